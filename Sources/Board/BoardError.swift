/// Why a board description cannot be used. Each case names the file and the field.
public enum BoardError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case malformed(file: String, reason: String)
    case unsupportedSchema(file: String, found: Int)
    case unsupported(file: String, field: String, value: String, expected: String)
    case missingPin(file: String, signal: FlashSignal)
    case pinCannotCarrySignal(file: String, signal: FlashSignal, pin: Pin, port: Int, candidates: [String])
    case wrongAlternateFunction(file: String, signal: FlashSignal, pin: Pin, given: Int, expected: Int)
    case pinUsedTwice(file: String, pin: Pin, signals: [FlashSignal])
    case debugPin(file: String, signal: FlashSignal, pin: Pin)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): "\(file): cannot read the board description: \(reason)"
        case let .malformed(file, reason): "\(file): not a valid board description: \(reason)"
        case let .unsupportedSchema(file, found): "\(file): schema \(found) is not supported; expected \"schema\": 1 or 2"
        case let .unsupported(file, field, value, expected): "\(file): \(field) is \(value); expected \(expected)"
        case let .missingPin(file, signal): "\(file): pins.\(signal.rawValue) is missing; a quad flash needs NCS, CLK and IO0-IO3, an octal one IO4-IO7 as well"
        case let .pinCannotCarrySignal(file, signal, pin, port, candidates):
            "\(file): pins.\(signal.rawValue): \(pin) cannot carry OCTOSPIM port \(port) \(signal); "
                + (candidates.isEmpty ? "this port has no \(signal) pin on this MCU" : "use one of \(candidates.joined(separator: ", "))")
        case let .wrongAlternateFunction(file, signal, pin, given, expected):
            "\(file): pins.\(signal.rawValue): \(pin) carries \(signal) on AF\(expected), not AF\(given)"
        case let .pinUsedTwice(file, pin, signals):
            "\(file): \(pin) is assigned to \(signals.map(\.description).joined(separator: " and "))"
        case let .debugPin(file, signal, pin):
            "\(file): pins.\(signal.rawValue): \(pin) is a debug pin (SWD); reassigning it cuts the programmer off"
        }
    }
}
