/// The kind of image from the user's report: a small internal-flash application at
/// 0x0800_0000 and about 768 KiB of assets for the external flash behind OCTOSPI1's
/// memory-mapped window at 0x9000_0000. The bytes are pseudo-random but fixed by the seed, so
/// a failing address in one run is the same address in the next.
public enum SampleImage {
    public static let internalFlashBase: UInt32 = 0x0800_0000
    public static let externalFlashBase: UInt32 = 0x9000_0000
    public static let defaultInternalSize = 16 * 1024
    public static let defaultExternalSize = 786_432

    public static func make(
        seed: UInt64 = 1, internalSize: Int = defaultInternalSize, externalSize: Int = defaultExternalSize
    ) -> FirmwareImage {
        var internalGenerator = SplitMix64(seed: seed)
        var internalBytes = internalGenerator.bytes(count: max(0, internalSize))
        // A plausible vector table: initial MSP at the top of SRAM1, reset handler (Thumb) after it.
        let vectors: [UInt32] = [0x200C_0000, internalFlashBase + 0x1C9]
        for (slot, word) in vectors.enumerated() where internalBytes.count >= 4 * (slot + 1) {
            for byte in 0..<4 { internalBytes[4 * slot + byte] = UInt8(word >> (8 * UInt32(byte)) & 0xFF) }
        }
        var externalGenerator = SplitMix64(seed: seed ^ 0x5EED_0FE4_7E27_A1C3)
        let externalBytes = externalGenerator.bytes(count: max(0, externalSize))
        var segments: [Segment] = []
        if !internalBytes.isEmpty { segments.append(Segment(address: internalFlashBase, bytes: internalBytes)) }
        if !externalBytes.isEmpty { segments.append(Segment(address: externalFlashBase, bytes: externalBytes)) }
        return FirmwareImage(segments: segments, startAddress: internalBytes.count >= 8 ? vectors[1] : nil)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same on every platform.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count + 8)
        while result.count < count {
            let word = next()
            for shift in stride(from: 0, to: 64, by: 8) { result.append(UInt8(word >> UInt64(shift) & 0xFF)) }
        }
        // Trimmed in place: a copy of the prefix would double a 64 MiB image's peak.
        result.removeLast(result.count - count)
        return result
    }
}
