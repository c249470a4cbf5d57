/// The GDB Remote Serial Protocol's framing (GDB manual, "Overview" of Appendix E): a packet
/// is `$payload#cc`, `cc` the modulo-256 sum of the payload bytes as two hex digits; the
/// receiver answers `+` (good) or `-` (resend). `}` escapes `$`, `#`, `}` and `*` as the
/// byte XOR 0x20; a lone 0x03 outside a packet is an interrupt (Ctrl-C).
///
/// ```
///   bytes ─► RSPFrameDecoder ─► .packet(payload) / .badChecksum / .ack / .nak / .interrupt
///   payload ─► RSPFrame.encode ─► $payload#cc (escaped)
/// ```
public enum RSPInput: Equatable, Sendable {
    /// A packet whose checksum matched; the payload still holds any `}` escapes (the
    /// checksum covers the bytes as sent, and only binary packets such as `X` unescape).
    case packet([UInt8])
    case badChecksum(expected: UInt8, received: UInt8)
    case ack
    case nak
    case interrupt
    /// A packet longer than the size announced in qSupported: dropped, answered with `-`.
    case oversized(Int)
    /// A byte outside any packet that means nothing (line noise, a client speaking another protocol).
    case noise(UInt8)
}

public enum RSPFrame {
    /// The largest payload the server accepts (announced as `PacketSize` in hex).
    public static let maximumPayload = 0x4000

    public static func checksum<C: Collection>(_ bytes: C) -> UInt8 where C.Element == UInt8 {
        bytes.reduce(0) { $0 &+ $1 }
    }

    /// `$payload#cc`, escaping the four bytes the framing reserves.
    public static func encode(_ payload: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(payload.count + 8)
        for byte in payload {
            switch byte {
            case UInt8(ascii: "$"), UInt8(ascii: "#"), UInt8(ascii: "}"), UInt8(ascii: "*"):
                body.append(UInt8(ascii: "}"))
                body.append(byte ^ 0x20)
            default:
                body.append(byte)
            }
        }
        let sum = checksum(body)
        return [UInt8(ascii: "$")] + body + [UInt8(ascii: "#")] + Hex.byte(sum)
    }

    public static func encode(_ payload: String) -> [UInt8] { encode(Array(payload.utf8)) }

    /// Removes `}` escapes (binary data of `X` packets and the like).
    public static func unescape<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var escaped = false
        for byte in bytes {
            if escaped {
                out.append(byte ^ 0x20)
                escaped = false
            } else if byte == UInt8(ascii: "}") {
                escaped = true
            } else {
                out.append(byte)
            }
        }
        return out
    }
}

/// Turns a byte stream into protocol inputs, one byte at a time (a packet may arrive in any
/// number of TCP segments).
public struct RSPFrameDecoder: Sendable {
    private enum State: Sendable {
        case idle
        case payload
        case checksumHigh
        case checksumLow(UInt8)
    }

    private var state = State.idle
    private var payload: [UInt8] = []
    private var overflow = 0

    public init() {}

    public mutating func feed<C: Collection>(_ bytes: C) -> [RSPInput] where C.Element == UInt8 {
        var out: [RSPInput] = []
        for byte in bytes {
            if let input = feed(byte) { out.append(input) }
        }
        return out
    }

    public mutating func feed(_ byte: UInt8) -> RSPInput? {
        switch state {
        case .idle:
            switch byte {
            case UInt8(ascii: "$"):
                payload.removeAll(keepingCapacity: true)
                overflow = 0
                state = .payload
                return nil
            case UInt8(ascii: "+"): return .ack
            case UInt8(ascii: "-"): return .nak
            case 0x03: return .interrupt
            default: return .noise(byte)
            }
        case .payload:
            if byte == UInt8(ascii: "#") {
                state = .checksumHigh
            } else if byte == UInt8(ascii: "$") {
                // A new start inside a packet: the sender gave up on the old one.
                payload.removeAll(keepingCapacity: true)
                overflow = 0
            } else if payload.count < RSPFrame.maximumPayload {
                payload.append(byte)
            } else {
                overflow += 1
            }
            return nil
        case .checksumHigh:
            state = .checksumLow(byte)
            return nil
        case .checksumLow(let high):
            state = .idle
            if overflow > 0 { return .oversized(payload.count + overflow) }
            let sum = RSPFrame.checksum(payload)
            guard let received = Hex.value(high, byte) else { return .badChecksum(expected: sum, received: 0) }
            return received == sum ? .packet(payload) : .badChecksum(expected: sum, received: received)
        }
    }
}

/// Hex digits as the protocol writes them (lower case, two per byte).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func byte(_ value: UInt8) -> [UInt8] { [digits[Int(value >> 4)], digits[Int(value & 0xF)]] }

    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out += byte(b) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func encode(_ text: String) -> String { encode(Array(text.utf8)) }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func value(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let h = nibble(high), let l = nibble(low) else { return nil }
        return h << 4 | l
    }

    /// Bytes from an even number of hex digits; nil for anything else.
    public static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let v = value(utf8[i], utf8[i + 1]) else { return nil }
            out.append(v)
            i += 2
        }
        return out
    }

    /// A big-endian hex number as the protocol writes addresses and lengths ("20000b00").
    public static func number<S: StringProtocol>(_ text: S) -> UInt64? {
        guard !text.isEmpty, text.count <= 16 else { return nil }
        return UInt64(text, radix: 16)
    }
}
