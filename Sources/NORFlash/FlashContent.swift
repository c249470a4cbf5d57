import Foundation

/// What the array holds at power-on.
public enum FlashInitialContent: Sendable {
    /// All FFh, as shipped.
    case erased
    /// A deterministic pseudo-random, non-blank pattern, as a board that already ran some
    /// firmware has: a loader that forgets to erase programs garbage (new = old & data).
    case previousFirmware(seed: UInt64)
    /// These bytes from address 0; the rest erased, anything beyond the device dropped.
    case bytes([UInt8])

    /// Content from a raw image file, placed at address 0.
    public static func file(path: String) throws(FlashContentError) -> FlashInitialContent {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlashContentError.unreadable(path: path)
        }
        return .bytes([UInt8](data))
    }

    func materialize(size: Int) -> [UInt8] {
        switch self {
        case .erased:
            return [UInt8](repeating: 0xFF, count: size)
        case .bytes(let bytes):
            var array = [UInt8](repeating: 0xFF, count: size)
            let n = min(bytes.count, size)
            array.withUnsafeMutableBufferPointer { dst in
                bytes.withUnsafeBufferPointer { src in
                    if n > 0, let d = dst.baseAddress, let s = src.baseAddress { d.update(from: s, count: n) }
                }
            }
            return array
        case .previousFirmware(let seed):
            var array = [UInt8](repeating: 0xFF, count: size)
            var state = seed
            array.withUnsafeMutableBytes { raw in
                let words = raw.count / 8
                for i in 0..<words {
                    // splitmix64: fast, deterministic, no blank words in practice.
                    state &+= 0x9E37_79B9_7F4A_7C15
                    var z = state
                    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                    z ^= z >> 31
                    raw.storeBytes(of: z.littleEndian, toByteOffset: i * 8, as: UInt64.self)
                }
            }
            return array
        }
    }
}

public enum FlashContentError: Error, Hashable, Sendable, CustomStringConvertible {
    case unreadable(path: String)

    public var description: String {
        switch self {
        case .unreadable(let path): return "\(path): cannot read the flash image file"
        }
    }
}
