import Board
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
    /// A third-party loader's host time over ours for the same image, when it can run: the
    /// median of its sessions over the median of ours.
    public var realLoaderHostRatio: Double?
    /// Why `realLoaderHostRatio` is null.
    public var realLoaderHostRatioReason: String?
    /// The sessions behind `realLoaderHostRatio`, in the order they ran: ours made for the
    /// same board, then theirs, `Benchmark.realLoaderPairs` times.
    public var realLoaderSessions: [BenchmarkResult]
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
        realLoaderSessions = zip(realLoader.ours, realLoader.theirs).flatMap { [$0, $1] }
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
        try c.encode(realLoaderSessions, forKey: .realLoaderSessions)
        try c.encode(scenarios, forKey: .scenarios)
    }
}

extension Benchmark {
    /// The comparison with a loader from `../shared/real-loaders/` (one byte per DR access).
    public struct RealLoaderComparison: Sendable {
        public var ratio: Double?
        public var reason: String?

        /// The sessions compared, in the order they ran (ours, theirs, ours, ...), when all ran.
        public var ours: [BenchmarkResult]
        public var theirs: [BenchmarkResult]

        public init(ratio: Double?, reason: String?, ours: [BenchmarkResult] = [], theirs: [BenchmarkResult] = []) {
            self.ratio = ratio
            self.reason = reason
            self.ours = ours
            self.theirs = theirs
        }
    }

    /// The Winbond W25Q512 loader for an STM32U599 on the default board's pins: the one real
    /// loader whose wiring matches a board the lab models.
    public static let realLoaderFile = "CLIVEONE-W25Q512_STM32U599-PB10-PA2-PE12-PB0-PE14-PE15.stldr"
    /// The built-in board it runs on (`identify` finds it): STM32U599 + W25Q512JV, quad, port 1.
    public static let realLoaderBoard = "stm32u599-w25q512jv"
    /// Sessions of each loader behind the ratio, alternated.
    public static let realLoaderPairs = 5

    /// The real loader and ours, `make-loader`d for the same board, on the sample image: the
    /// real one's host time over ours. Ours is patched from `ourLoaderBytes` (the `.stldr` the
    /// bench runs) exactly as `loaderlab make-loader --board stm32u599-w25q512jv` does.
    public static func compareRealLoader(directory: String, ourLoaderBytes: [UInt8]?, ourLoaderName: String,
                                         pairs: Int = realLoaderPairs) -> RealLoaderComparison {
        let path = (directory as NSString).appendingPathComponent(realLoaderFile)
        guard FileManager.default.fileExists(atPath: path) else {
            return RealLoaderComparison(ratio: nil, reason: "\(path) is not present")
        }
        guard let board = BuiltInBoards.named(realLoaderBoard) else {
            return RealLoaderComparison(ratio: nil, reason: "no built-in board \(realLoaderBoard)")
        }
        guard let ourLoaderBytes else {
            return RealLoaderComparison(ratio: nil, reason: "our loader (\(ourLoaderName)) could not be read")
        }
        let theirLoader: LoaderFile
        let ourLoader: LoaderFile
        do {
            theirLoader = try LoaderFile(path: path)
            ourLoader = try LoaderPatcher(baseBytes: ourLoaderBytes, baseName: ourLoaderName)
                .patch(board: board, outputName: "LoaderLab_\(board.name).stldr", boardFile: "built-in board \(board.name)").loader
        } catch {
            return RealLoaderComparison(ratio: nil, reason: "\(error)")
        }
        var options = SessionOptions()
        options.board = board
        // Alternated, and the medians compared: a shared VM's speed drifts by more than the
        // difference measured, within seconds.
        var ours: [BenchmarkResult] = []
        var theirs: [BenchmarkResult] = []
        for _ in 0..<max(1, pairs) {
            let mine = session("our-loader-\(board.name)", image: SampleImage.make(), loader: ourLoader, fullChipErase: false, options: options)
            guard mine.result == "ok", mine.hostSeconds > 0 else {
                return RealLoaderComparison(ratio: nil, reason: "our loader made for \(board.name) did not program the sample: \(mine.detail ?? "?")")
            }
            let real = session("real-loader", image: SampleImage.make(), loader: theirLoader, fullChipErase: false, options: options)
            guard real.result == "ok" else {
                return RealLoaderComparison(ratio: nil, reason: "\(realLoaderFile) did not program the sample on \(board.name): \(real.detail ?? "?")")
            }
            ours.append(mine)
            theirs.append(real)
        }
        return RealLoaderComparison(ratio: hostRatio(theirs: theirs.map(\.hostSeconds), ours: ours.map(\.hostSeconds)),
                                    reason: nil, ours: ours, theirs: theirs)
    }

    /// The median of `theirs` over the median of `ours` (host seconds; nil for no sessions).
    public static func hostRatio(theirs: [Double], ours: [Double]) -> Double? {
        guard !theirs.isEmpty, !ours.isEmpty else { return nil }
        let mine = median(ours)
        return mine > 0 ? median(theirs) / mine : nil
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
