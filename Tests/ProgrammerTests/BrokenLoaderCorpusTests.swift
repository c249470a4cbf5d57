import FirmwareImage
import Foundation
import Testing
import VirtualTime
@testable import Programmer

/// One line of Tests/Fixtures/BrokenLoaders/corpus.txt: a loader, the code it must be
/// diagnosed with first (or "ok"), and the image and read-back its mistake shows with.
struct CorpusEntry: Sendable, CustomStringConvertible {
    var name: String
    var expect: String
    var image: String
    var verify: String
    var description: String { name }

    static let all: [CorpusEntry] = {
        guard let text = try? String(contentsOfFile: Fixtures.path("Tests/Fixtures/BrokenLoaders/corpus.txt"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard f.count >= 8, !f[0].hasPrefix("#") else { return nil }
            return CorpusEntry(name: f[0], expect: f[1], image: f[5], verify: f[6])
        }
    }()

    /// The entries with an expectation (the rest have tests of their own below).
    static var scored: [CorpusEntry] { all.filter { $0.expect != "-" } }
}

/// Each loader in Tests/Fixtures/BrokenLoaders makes one mistake people made (see its
/// README and cubeprogrammer-loader.md §4), in several forms (command, alignment, size, call,
/// compiler, optimisation level, float ABI); each known-good variant makes none. A loader
/// with a mistake must fail with that mistake as the first finding; a known-good one must
/// program and verify with no finding above note.
@Suite("Broken-loader corpus")
struct BrokenLoaderCorpusTests {
    /// Tight limits so a stuck loader ends quickly; still far above what a correct one needs.
    static var options: SessionOptions {
        var o = SessionOptions()
        o.maxInstructionsPerCall = 80_000_000
        o.timeouts.initialize = .seconds(2)
        o.timeouts.write = .seconds(10)
        o.timeouts.sectorErase = .seconds(5)
        o.timeouts.sectorEraseIncrement = .seconds(0.5)
        return o
    }

    static func image(_ name: String) -> FirmwareImage {
        switch name {
        // Data at the very start of the device and across 16 MiB: what a 3-byte address
        // wraps onto is data the image asked for.
        case "wrap": Fixtures.image([(0x9000_0000, 0x1000), (0x90FF_FF00, 0x300)], seed: 7)
        case "small": Fixtures.image([(0x9000_1003, 0x2000)], seed: 9)
        default: Fixtures.trickyImage
        }
    }

    static func run(_ entry: CorpusEntry) throws -> SessionReport {
        var options = Self.options
        options.verify = entry.verify == "loader" ? .loader : .memoryMapped
        let loader = try Fixtures.brokenLoader(entry.name)
        return try ProgrammerSession(loader: loader, image: image(entry.image), imageName: "\(entry.image).hex", options: options).run()
    }

    /// The code a report claims as the cause: its first finding, when above note.
    static func claimed(_ report: SessionReport) -> String? {
        guard let first = report.findings.first, first.severity > .note else { return nil }
        return first.code
    }

    @Test("The corpus covers every code with at least three loaders, and has known-good variants")
    func corpusCoversEveryCode() {
        let byCode = Dictionary(grouping: CorpusEntry.scored, by: \.expect)
        #expect(byCode.count >= 20, "\(byCode.keys.sorted())")
        for (code, entries) in byCode where code != "ok" {
            #expect(entries.count >= 3, "\(code) has \(entries.count) loaders")
        }
        #expect((byCode["ok"]?.count ?? 0) >= 10)
    }

    /// Whether a report is what the corpus line expects: the mistake named first as an error
    /// in a failed session, or a known-good loader programmed with nothing above note.
    static func problems(_ entry: CorpusEntry, _ report: SessionReport) -> String? {
        if entry.expect == "ok" {
            guard report.result == "ok", !report.findings.contains(where: { $0.severity > .note }) else {
                return "\(entry.name) should pass with nothing above note: \(report.findings.map { "\($0.code) \($0.severity)" })\n\(report.text())"
            }
            return nil
        }
        guard report.result == "failed", let first = report.findings.first, first.code == entry.expect, first.severity == .error,
              !first.message.isEmpty, !first.message.contains("unknown") else {
            return "\(entry.name) should fail with \(entry.expect) first: \(report.findings.map { "\($0.code) \($0.severity)" })\n\(report.text())"
        }
        return nil
    }

    /// Every loader of the corpus, two at a time: each must be diagnosed as its line says.
    /// Recall (of the loaders that make a mistake, how many are named with it first) and
    /// precision (of the reports that name a code first, how many are right; known-good
    /// variants count against the code they are blamed for) are printed per code.
    @Test("Each loader fails with its mistake first, each known-good one passes; recall and precision 100 % per code")
    func recallAndPrecision() async throws {
        let entries = CorpusEntry.scored
        let outcomes = try await withThrowingTaskGroup(of: (Int, String?, String?).self) { group in
            var next = 0
            var results = [(claim: String?, problem: String?)](repeating: (nil, nil), count: entries.count)
            func add() {
                guard next < entries.count else { return }
                let i = next, entry = entries[i]
                next += 1
                group.addTask {
                    let report = try Self.run(entry)
                    return (i, Self.claimed(report), Self.problems(entry, report))
                }
            }
            add(); add()
            while let (i, claim, problem) = try await group.next() {
                results[i] = (claim, problem)
                add()
            }
            return results
        }
        for problem in outcomes.compactMap(\.problem) { Issue.record(Comment(rawValue: problem)) }
        let claims = outcomes.map(\.claim)
        var codes = Set(entries.map(\.expect)).union(claims.compactMap { $0 })
        codes.remove("ok")
        var lines = ["code                          loaders  recall  precision"]
        for code in codes.sorted() {
            let relevant = entries.indices.filter { entries[$0].expect == code }
            let named = entries.indices.filter { claims[$0] == code }
            let hits = relevant.filter { claims[$0] == code }.count
            let recall = relevant.isEmpty ? 1 : Double(hits) / Double(relevant.count)
            let precision = named.isEmpty ? 1 : Double(hits) / Double(named.count)
            lines.append(String(format: "%@ %7d  %5.0f %%  %6.0f %%", code.padding(toLength: 29, withPad: " ", startingAt: 0),
                                relevant.count, recall * 100, precision * 100))
            #expect(recall == 1, "\(code): missed in \(relevant.filter { claims[$0] != code }.map { "\(entries[$0].name) -> \(claims[$0] ?? "nothing")" })")
            #expect(precision == 1, "\(code): wrongly named for \(named.filter { entries[$0].expect != code }.map { entries[$0].name })")
        }
        let good = entries.indices.filter { entries[$0].expect == "ok" }
        let clean = good.filter { claims[$0] == nil }.count
        lines.append("known-good variants passing with nothing above note: \(clean)/\(good.count)")
        print(lines.joined(separator: "\n"))
        #expect(clean == good.count)
    }

    @Test("A loader that loops forever ends as a timeout within the budget, naming where it spins")
    func loopsForever() throws {
        let report = try ProgrammerSession(loader: Fixtures.brokenLoader("loops-forever"), image: Fixtures.trickyImage,
                                           imageName: "tricky.hex", options: Self.options).run()
        #expect(report.result == "failed")
        #expect(report.findings.first?.code == "timeout")
        #expect(report.findings.first?.evidence.contains { $0.contains("Init") } ?? false)
        #expect(report.calls.first?.outcome == "timeout" || report.calls.first?.outcome == "budget-exhausted")
    }

    @Test("A loader that faults is reported with the faulting address, PC and symbol")
    func hardFault() throws {
        let report = try ProgrammerSession(loader: Fixtures.brokenLoader("hard-fault"), image: Fixtures.trickyImage,
                                           imageName: "tricky.hex", options: Self.options).run()
        #expect(report.findings.first?.code == "hard-fault")
        #expect(report.findings.first?.message.contains("0x60000000") ?? false)
        #expect(report.failure?.symbol?.hasPrefix("Init") ?? false)
    }

    @Test("A loader that smashes its own return address ends with a report, not a crash")
    func stackSmash() throws {
        let report = try ProgrammerSession(loader: Fixtures.brokenLoader("stack-smash"), image: Fixtures.trickyImage,
                                           imageName: "tricky.hex", options: Self.options).run()
        #expect(report.result == "failed")
        #expect(["stack-overflow", "hard-fault"].contains(report.findings.first?.code ?? ""), "\(report.findings.map(\.code))")
        #expect(report.failure != nil)
    }

    @Test("A garbage return value the programmer takes as success is a note, not an error")
    func garbageReturn() throws {
        let report = try ProgrammerSession(loader: Fixtures.brokenLoader("garbage-return"), image: Fixtures.trickyImage,
                                           imageName: "tricky.hex", options: Self.options).run()
        #expect(report.result == "ok", "\(report.text())")
        #expect(report.findings.first?.code == "return-value")
        #expect(report.findings.first?.severity == .note)
        #expect(report.findings.first?.message.contains("0xDEADBEEF") ?? false)
    }
}
