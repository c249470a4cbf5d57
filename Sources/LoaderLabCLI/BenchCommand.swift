import ArgumentParser
import ELF
import Foundation
import LoaderFile
import Programmer

/// `loaderlab bench`: host speed and memory of named scenarios, each in its own process so
/// that its peak resident memory is its own.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure host time, guest speed and peak memory of named scenarios (our loader by default).",
        discussion: "Scenarios: " + Benchmark.scenarios.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")
            + ". Without --scenario, the table runs all but the long ones (full-chip, image-16m); --all and --json run every one."
            + " --json prints one object: the figures issue 10 sets goals for, and every scenario's result."
    )

    @Option(help: "The external loader (.stldr) the session scenarios use.")
    var loader: String = "build/IS25LP512M_STM32U5G7.stldr"

    @Option(name: .customLong("scenario"), help: "A scenario to run (repeatable).")
    var scenarios: [String] = []

    @Flag(help: "Run every scenario, full-chip included.")
    var all = false

    @Flag(help: "Print one JSON object: the summary figures and every scenario's result.")
    var json = false

    /// How a parent reads a child's result: the scenario results as a JSON array.
    @Flag(name: .customLong("child"), help: .hidden)
    var child = false

    @Option(name: .customLong("real-loaders"), help: "Third-party loaders to compare with (skipped when absent).")
    var realLoaders: String = "../shared/real-loaders"

    @Flag(name: .customLong("in-process"), help: "Run the scenarios in this process (peak memory is then cumulative).")
    var inProcess = false

    func validate() throws {
        for name in scenarios where Benchmark.scenario(named: name) == nil {
            throw ValidationError("no scenario '\(name)'; known: \(Benchmark.scenarios.map(\.name).joined(separator: ", "))")
        }
    }

    func run() throws {
        let everything = all || (json && !child)
        let names = !scenarios.isEmpty ? scenarios : Benchmark.scenarios.filter { everything || !$0.isLong }.map(\.name)
        var results: [BenchmarkResult] = []
        for name in names {
            let result = inProcess || child || names.count == 1 ? runHere(name) : runInChild(name)
            results.append(result)
            if !child { FileHandle.standardError.write(Data("\(name): \(result.result), \(String(format: "%.2f", result.hostSeconds)) s\n".utf8)) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if child {
            print(String(data: (try? encoder.encode(results)) ?? Data(), encoding: .utf8) ?? "[]")
        } else if json {
            let comparison = Benchmark.compareRealLoader(directory: realLoaders, ourLoaderBytes: try? FileReading.bytes(atPath: loader, limit: FileReading.loaderLimit).get(),
                                                         ourLoaderName: loader)
            let summary = BenchmarkSummary(results: results, realLoader: comparison)
            print(String(data: (try? encoder.encode(summary)) ?? Data(), encoding: .utf8) ?? "{}")
        } else {
            print(Self.table(results))
        }
        if results.contains(where: { $0.result != "ok" }) { throw ExitCode(1) }
    }

    private func runHere(_ name: String) -> BenchmarkResult {
        var file: LoaderFile?
        if Benchmark.scenario(named: name)?.usesLoader == true {
            do { file = try LoaderFile(path: loader) } catch {
                return BenchmarkResult(scenario: name, result: "failed", hostSeconds: 0,
                                       peakResidentMiB: Benchmark.peakResidentMiB(), detail: "\(error)")
            }
        }
        return Benchmark.run(name, loader: file)
    }

    /// Runs `loaderlab bench --scenario NAME --json` and reads its one result.
    private func runInChild(_ name: String) -> BenchmarkResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        if !FileManager.default.fileExists(atPath: "/proc/self/exe") {
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        }
        process.arguments = ["bench", "--scenario", name, "--child", "--loader", loader]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return runHere(name) }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let decoded = try? JSONDecoder().decode([BenchmarkResult].self, from: data), let first = decoded.first else {
            return BenchmarkResult(scenario: name, result: "failed", hostSeconds: 0, peakResidentMiB: 0,
                                   detail: "the child process exited with status \(process.terminationStatus) and no result")
        }
        return first
    }

    static func table(_ results: [BenchmarkResult]) -> String {
        func f(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "-" }
        let header = ["scenario", "result", "device s", "host s", "guest instr", "MiB/s", "MIPS", "peak MiB", "detail"]
        var rows = [header]
        for r in results {
            var detail = r.detail ?? ""
            if let c = r.callbacksPerSecond { detail = String(format: "%.2f M callbacks/s; ", c / 1e6) + detail }
            rows.append([r.scenario, r.result, f(r.deviceSeconds, "%.3f"), f(r.hostSeconds, "%.2f"),
                         r.guestInstructions.map(String.init) ?? "-", f(r.mibPerSecond, "%.2f"), f(r.guestMIPS, "%.1f"),
                         f(r.peakResidentMiB, "%.0f"), detail])
        }
        let widths = (0..<header.count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : (c <= 1 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                                                    : String(repeating: " ", count: widths[c] - cell.count) + cell)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
