import Testing
@testable import FirmwareImage

/// Damaged text images must give an error with a location, never a trap or a hang.
@Suite struct DamagedInputTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
    }

    static let hexText = Array(IntelHexWriter.encode(SampleImage.make(seed: 5, internalSize: 64, externalSize: 256)).utf8)
    static let srecText = Array(([sRecord(0, address: 0, [0x41])]
        + (0..<16).map { sRecord(3, address: 0x9000_0000 + UInt32(16 * $0), ramp16) }
        + [sRecord(7, address: 0x0800_0000, [])]).joined(separator: "\n").utf8)

    @Test(arguments: [("damaged.hex", hexText), ("damaged.srec", srecText)])
    func randomDamageIsRejectedWithALocationOrStillParses(name: String, text: [UInt8]) {
        var generator = Generator(state: 0xDEAD_BEEF)
        let alphabet = Array("0123456789ABCDEFS:\n\r xg".utf8)
        var rejected = 0
        for _ in 0..<2000 {
            var bytes = text
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let index = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[index] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: index)
                }
            }
            do {
                _ = try FirmwareImage(bytes: bytes, name: name)
            } catch {
                rejected += 1
                #expect(error.location.file == name)
                #expect(error.location.line != nil)
            }
        }
        #expect(rejected > 1000)  // checksums catch nearly every change
    }

    @Test func everyTruncationOfAHexFileIsRejected() {
        for length in 0..<(Self.hexText.count - 1) where Self.hexText[length] == UInt8(ascii: "\n") || length % 7 == 0 {
            #expect(throws: FirmwareImageError.self) { try FirmwareImage(bytes: Array(Self.hexText.prefix(length)), name: "cut.hex", format: .intelHex) }
        }
    }
}
