import FirmwareImage
import Foundation
import LoaderFile
import NORFlash

/// `loaderlab bench --json`: one object with the figures issue 10 sets goals for, read from
/// the scenarios' results (a figure whose scenario did not run, or failed, is null), and the
/// results themselves under `scenarios`.
public struct BenchmarkSummary: Codable, Sendable {
    public var sampleHostSeconds: Double?
    public var sampleDeviceSeconds: Double?
    public var unaligned4mHostSeconds: Double?
    public var fullChipHostSeconds: Double?
    public var fullChipDeviceSeconds: Double?
    public var fullChipPeakMiB: Double?
    /// Host seconds per MiB programmed for 1, 4, 16 and 64 MiB images ("64" is `full-chip`).
    public var hostSecondsPerMiB: [String: Double?]
    /// The datasheet limit for the sample's external data on the same flash (`DatasheetLimit`).
    public var sampleLimitSeconds: Double?
    /// The sample's modeled device time over that limit.
    public var sampleLimitRatio: Double?
    /// Our loader's downloaded bytes plus the deepest stack it used.
    public var footprintBytes: Int?
    /// A third-party loader's host time over ours for the same image, when it can run.
    public var realLoaderHostRatio: Double?
    /// Why `realLoaderHostRatio` is null.
    public var realLoaderHostRatioReason: String?
    public var scenarios: [BenchmarkResult]

    public init(results: [BenchmarkResult], realLoader: Benchmark.RealLoaderComparison) {
        func ok(_ name: String) -> BenchmarkResult? { results.first { $0.scenario == name && $0.result == "ok" } }
        let sample = ok("reported"), full = ok("full-chip")
        sampleHostSeconds = sample?.hostSeconds
        sampleDeviceSeconds = sample?.deviceSeconds
        unaligned4mHostSeconds = ok("unaligned-4m")?.hostSeconds
        fullChipHostSeconds = full?.hostSeconds
        fullChipDeviceSeconds = full?.deviceSeconds
        fullChipPeakMiB = full?.peakResidentMiB
        func perMiB(_ r: BenchmarkResult?) -> Double? {
            guard let r, let bytes = r.imageBytes, bytes > 0 else { return nil }
            return r.hostSeconds / (Double(bytes) / 1_048_576)
        }
        hostSecondsPerMiB = ["1": perMiB(ok("image-1m")), "4": perMiB(ok("image-4m")), "16": perMiB(ok("image-16m")), "64": perMiB(full)]
        sampleLimitSeconds = sample?.limitSeconds
        if let device = sample?.deviceSeconds, let limit = sample?.limitSeconds, limit > 0 {
            sampleLimitRatio = device / limit
        }
        if let loaderBytes = sample?.loaderBytes { footprintBytes = loaderBytes + (sample?.maxStackBytes ?? 0) }
        realLoaderHostRatio = realLoader.ratio
        realLoaderHostRatioReason = realLoader.reason
        scenarios = results
    }

    // `hostSecondsPerMiB` keeps its four keys, with null where a size did not run.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sampleHostSeconds, forKey: .sampleHostSeconds)
        try c.encode(sampleDeviceSeconds, forKey: .sampleDeviceSeconds)
        try c.encode(unaligned4mHostSeconds, forKey: .unaligned4mHostSeconds)
        try c.encode(fullChipHostSeconds, forKey: .fullChipHostSeconds)
        try c.encode(fullChipDeviceSeconds, forKey: .fullChipDeviceSeconds)
        try c.encode(fullChipPeakMiB, forKey: .fullChipPeakMiB)
        try c.encode(hostSecondsPerMiB, forKey: .hostSecondsPerMiB)
        try c.encode(sampleLimitSeconds, forKey: .sampleLimitSeconds)
        try c.encode(sampleLimitRatio, forKey: .sampleLimitRatio)
        try c.encode(footprintBytes, forKey: .footprintBytes)
        try c.encode(realLoaderHostRatio, forKey: .realLoaderHostRatio)
        try c.encode(realLoaderHostRatioReason, forKey: .realLoaderHostRatioReason)
        try c.encode(scenarios, forKey: .scenarios)
    }
}

extension Benchmark {
    /// The comparison with a loader from `../shared/real-loaders/` (one byte per DR access).
    public struct RealLoaderComparison: Sendable {
        public var ratio: Double?
        public var reason: String?

        public init(ratio: Double?, reason: String?) {
            self.ratio = ratio
            self.reason = reason
        }
    }

    /// The Winbond W25Q512 loader for an STM32U599 on the default board's pins: the one real
    /// loader whose wiring matches a board the lab models.
    public static let realLoaderFile = "CLIVEONE-W25Q512_STM32U599-PB10-PA2-PE12-PB0-PE14-PE15.stldr"

    /// Runs the real loader and ours on the same image when the lab can host the real one.
    /// It talks only to a Winbond part (it returns 0 from Init for any other JEDEC ID), so it
    /// needs a W25Q512 flash model; until one exists the ratio is null with the reason.
    public static func compareRealLoader(directory: String, ours: BenchmarkResult?) -> RealLoaderComparison {
        let path = (directory as NSString).appendingPathComponent(realLoaderFile)
        guard FileManager.default.fileExists(atPath: path) else {
            return RealLoaderComparison(ratio: nil, reason: "\(path) is not present")
        }
        guard let part = ["W25Q512JV", "W25Q512"].lazy.compactMap({ FlashPart.part(named: $0) }).first else {
            return RealLoaderComparison(ratio: nil, reason: "\(realLoaderFile) needs a Winbond W25Q512 flash model (the lab models only \(FlashPart.all.map(\.name).joined(separator: ", "))): its Init returns 0 for any other JEDEC ID")
        }
        guard let ours, ours.result == "ok", ours.hostSeconds > 0 else {
            return RealLoaderComparison(ratio: nil, reason: "our loader's reported session did not run or failed")
        }
        let loader: LoaderFile
        do { loader = try LoaderFile(path: path) } catch {
            return RealLoaderComparison(ratio: nil, reason: "\(error)")
        }
        var options = SessionOptions()
        options.board.flash = part.name
        let theirs = session("real-loader", image: SampleImage.make(), loader: loader, fullChipErase: false, options: options)
        guard theirs.result == "ok" else {
            return RealLoaderComparison(ratio: nil, reason: "\(realLoaderFile) did not program the sample: \(theirs.detail ?? "?")")
        }
        return RealLoaderComparison(ratio: theirs.hostSeconds / ours.hostSeconds, reason: nil)
    }
}
