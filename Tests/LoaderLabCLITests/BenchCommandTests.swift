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

    @Test func theDefaultSetLeavesOutOnlyTheLongFullChipRun() {
        let long = Benchmark.scenarios.filter(\.isLong).map(\.name)
        #expect(long == ["full-chip"])
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
