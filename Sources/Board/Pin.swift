/// A GPIO pin by its datasheet name: port letter A-J and number 0-15 ("PB10").
public struct Pin: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// 0 for port A … 9 for port J.
    public let port: Int
    public let number: Int

    public init(port: Int, number: Int) {
        self.port = port
        self.number = number
    }

    /// Parses "PA2", "pb10"; nil for anything else (ports beyond J, pins beyond 15).
    public init?(_ text: String) {
        let chars = Array(text.uppercased())
        guard chars.count >= 3, chars.count <= 4, chars[0] == "P",
              let letter = chars[1].asciiValue, letter >= 65, letter <= 74,
              let n = Int(String(chars[2...])), (0...15).contains(n),
              String(n) == String(chars[2...])
        else { return nil }
        self.port = Int(letter - 65)
        self.number = n
    }

    public var portLetter: Character { Character(UnicodeScalar(UInt8(65 + port))) }
    public var description: String { "P\(portLetter)\(number)" }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let pin = Pin(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a pin name like PB10 (ports A-J, pins 0-15)"))
        }
        self = pin
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public static func < (a: Pin, b: Pin) -> Bool { (a.port, a.number) < (b.port, b.number) }
}

/// The signals of a quad or octal flash on an OCTOSPIM port (or on the OCTOSPI's own pins
/// where there is no OCTOSPIM).
public enum FlashSignal: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case ncs, clk, io0, io1, io2, io3
    /// Octal parts: the upper data nibble, the data strobe, and the inverted clock some
    /// 1.8 V parts take in DTR (none of the catalog parts needs it).
    case io4, io5, io6, io7, dqs, nclk
    public var description: String { rawValue.uppercased() }

    /// The six signals every board needs (a quad flash, and the first half of an octal one).
    public static let quad: [FlashSignal] = [.ncs, .clk, .io0, .io1, .io2, .io3]
    /// IO4-IO7: all four or none.
    public static let upperData: [FlashSignal] = [.io4, .io5, .io6, .io7]

    /// IOn for data line n (0-7).
    public static func io(_ line: Int) -> FlashSignal { [.io0, .io1, .io2, .io3, .io4, .io5, .io6, .io7][line] }

    /// n for IOn, nil for the other signals.
    public var ioLine: Int? {
        switch self {
        case .io0: 0
        case .io1: 1
        case .io2: 2
        case .io3: 3
        case .io4: 4
        case .io5: 5
        case .io6: 6
        case .io7: 7
        default: nil
        }
    }
}
