import Foundation
import Programmer
import Testing
@testable import LoaderLabCLI

@Suite struct BenchCommandTests {
    @Test func rejectsAScenarioThatDoesNotExist() {
        #expect(throws: (any Error).self) { try BenchCommand.parse(["--scenario", "warp-speed"]) }
    }

    @Test func acceptsRepeatedScenarios() throws {
        let command = try BenchCommand.parse(["--scenario", "mmio", "--scenario", "flash-model", "--json"])
        #expect(command.scenarios == ["mmio", "flash-model"])
        #expect(command.loader == "build/IS25LP512M_STM32U5G7.stldr")
    }

    @Test func theDefaultSetLeavesOutOnlyTheLongRuns() {
        let long = Benchmark.scenarios.filter(\.isLong).map(\.name)
        #expect(long == ["full-chip", "image-16m"])
    }

    @Test func theChildFlagIsHowAParentReadsAResult() throws {
        let command = try BenchCommand.parse(["--scenario", "mmio", "--child"])
        #expect(command.child)
        #expect(!command.json)
    }

    @Test func aSessionScenarioWithoutALoaderFailsWithAReason() {
        let result = Benchmark.run("reported", loader: nil)
        #expect(result.result == "failed")
        #expect(result.detail == "needs a loader (--loader)")
    }

    @Test func theTableHasAColumnPerMeasureAndDashesForWhatWasNotMeasured() {
        let row = BenchmarkResult(scenario: "flash-model", result: "ok", deviceSeconds: 1.5, hostSeconds: 0.25,
                                  imageBytes: 1 << 20, mibPerSecond: 4, peakResidentMiB: 98, detail: "d")
        let lines = BenchCommand.table([row]).split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(lines.first == ["scenario", "result", "device", "s", "host", "s", "guest", "instr", "MiB/s", "MIPS", "peak", "MiB", "detail"])
        #expect(lines.last == ["flash-model", "ok", "1.500", "0.25", "-", "4.00", "-", "98", "d"])
    }
}

@Suite struct BenchSummaryTests {
    static func session(_ name: String, host: Double, device: Double, bytes: Int, peak: Double = 100) -> BenchmarkResult {
        BenchmarkResult(scenario: name, result: "ok", deviceSeconds: device, hostSeconds: host, imageBytes: bytes,
                        peakResidentMiB: peak, loaderBytes: 7000, maxStackBytes: 300, limitSeconds: device / 2)
    }

    @Test func theSummaryReadsEachFigureFromItsScenario() throws {
        let results = [
            Self.session("reported", host: 0.5, device: 2.8, bytes: 802_816),
            Self.session("unaligned-4m", host: 2, device: 15, bytes: 4 << 20),
            Self.session("image-1m", host: 0.25, device: 4, bytes: 1 << 20),
            Self.session("image-4m", host: 1, device: 16, bytes: 4 << 20),
            Self.session("full-chip", host: 16, device: 160, bytes: 64 << 20, peak: 400),
        ]
        let summary = BenchmarkSummary(results: results, realLoader: .init(ratio: nil, reason: "absent"))
        #expect(summary.sampleHostSeconds == 0.5)
        #expect(summary.sampleDeviceSeconds == 2.8)
        #expect(summary.sampleLimitSeconds == 1.4)
        #expect(summary.sampleLimitRatio == 2)
        #expect(summary.unaligned4mHostSeconds == 2)
        #expect(summary.fullChipHostSeconds == 16)
        #expect(summary.fullChipPeakMiB == 400)
        #expect(summary.footprintBytes == 7300)
        #expect(summary.hostSecondsPerMiB["1"] == 0.25)
        #expect(summary.hostSecondsPerMiB["64"] == 0.25)
        #expect(summary.hostSecondsPerMiB["16"] == .some(nil), "a size that did not run is null, not missing")
        #expect(summary.realLoaderHostRatio == nil)
        #expect(summary.realLoaderHostRatioReason == "absent")
    }

    @Test func theJSONIsOneObjectWithEveryKeyTheIssueNames() throws {
        let summary = BenchmarkSummary(results: [Self.session("reported", host: 0.5, device: 2.8, bytes: 1)], realLoader: .init(ratio: nil, reason: "r"))
        let data = try JSONEncoder().encode(summary)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["sampleHostSeconds", "sampleDeviceSeconds", "unaligned4mHostSeconds", "fullChipHostSeconds", "fullChipDeviceSeconds",
                    "fullChipPeakMiB", "hostSecondsPerMiB", "sampleLimitSeconds", "sampleLimitRatio", "footprintBytes",
                    "realLoaderHostRatio", "scenarios"] {
            #expect(object.keys.contains(key), "\(key)")
        }
        let perMiB = try #require(object["hostSecondsPerMiB"] as? [String: Any])
        #expect(Set(perMiB.keys) == ["1", "4", "16", "64"])
    }

    @Test func aFailedScenarioGivesNoFigure() {
        var failed = Self.session("full-chip", host: 99, device: 1, bytes: 64 << 20)
        failed.result = "failed"
        let summary = BenchmarkSummary(results: [failed], realLoader: .init(ratio: nil, reason: nil))
        #expect(summary.fullChipHostSeconds == nil)
    }

    @Test func theRealLoaderRatioIsOfMediansSoOneSlowSessionDoesNotMoveIt() {
        // A stall of the VM during one session of each loader.
        let ratio = Benchmark.hostRatio(theirs: [0.5, 0.48, 1.9, 0.52, 0.47], ours: [0.2, 0.9, 0.18, 0.21, 0.19])
        #expect(ratio.map { abs($0 - 0.5 / 0.2) < 1e-12 } == true)
        #expect(Benchmark.hostRatio(theirs: [1, 3], ours: [1, 1]) == 2)
        #expect(Benchmark.hostRatio(theirs: [], ours: [1]) == nil)
        #expect(Benchmark.hostRatio(theirs: [1], ours: [0]) == nil)
    }
}
