import ArgumentParser
import FirmwareImage
import Foundation

/// `loaderlab sample-image --output FILE`: an Intel HEX image like the one in the user's
/// report, 16 KiB for internal flash plus about 768 KiB for the external flash at 0x9000_0000.
struct SampleImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-image",
        abstract: "Write a deterministic Intel HEX test image: internal flash at 0x0800_0000 and external flash at 0x9000_0000."
    )

    @Option(help: "Where to write the Intel HEX file.")
    var output: String

    @Option(help: "Seed for the pseudo-random data; the same seed gives the same file.")
    var seed: UInt64 = 1

    @Option(help: "Bytes of data at 0x9000_0000 (decimal, 0x hex, or with a K/M suffix).")
    var externalSize: ByteCount = ByteCount(SampleImage.defaultExternalSize)

    @Option(help: "Bytes of data at 0x0800_0000.")
    var internalSize: ByteCount = ByteCount(SampleImage.defaultInternalSize)

    func validate() throws {
        // 64 MiB is the IS25LP512M; the U5G7 has 4 MiB of internal flash.
        guard externalSize.value <= 64 << 20 else { throw ValidationError("--external-size is larger than the 64 MiB flash") }
        guard internalSize.value <= 4 << 20 else { throw ValidationError("--internal-size is larger than the 4 MiB internal flash") }
        guard externalSize.value > 0 || internalSize.value > 0 else {
            throw ValidationError("--external-size and --internal-size are both 0: the image would hold no data, and program refuses an empty image")
        }
    }

    func run() throws {
        let file: OutputFile
        do { file = try OutputFile(checking: output) } catch { throw ValidationError("cannot write \(error)") }
        let image = SampleImage.make(seed: seed, internalSize: internalSize.value, externalSize: externalSize.value)
        let text = IntelHexWriter.encode(image)
        do { try file.store(text) } catch { throw ValidationError("cannot write \(error)") }
        print("\(output): \(image.segments.map { "\($0.bytes.count) bytes at \(Self.address($0.address))" }.joined(separator: ", ")) (seed \(seed))")
    }

    private static func address(_ value: UInt32) -> String {
        let text = String(value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: 8 - text.count) + text
        return "0x" + padded.prefix(4) + "_" + padded.suffix(4)
    }
}

/// A byte count given as `786432`, `0xC0000`, `768K` or `1M`.
struct ByteCount: ExpressibleByArgument, Equatable, Sendable {
    var value: Int

    init(_ value: Int) { self.value = value }

    init?(argument: String) {
        var text = argument.lowercased().replacingOccurrences(of: "_", with: "")
        var scale = 1
        for (suffix, factor) in [("kib", 1 << 10), ("mib", 1 << 20), ("k", 1 << 10), ("m", 1 << 20)] where text.hasSuffix(suffix) {
            text.removeLast(suffix.count)
            scale = factor
            break
        }
        let parsed = text.hasPrefix("0x") ? Int(text.dropFirst(2), radix: 16) : Int(text)
        guard let parsed, parsed >= 0 else { return nil }
        let (product, overflow) = parsed.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        value = product
    }

    var defaultValueDescription: String { "\(value)" }
}
