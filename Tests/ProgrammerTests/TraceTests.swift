import Foundation
import NORFlash
import STM32U5
import Testing
import VirtualTime
@testable import Programmer

/// The session trace keeps what the rules ask for and drops the routine bulk, while the
/// `--trace` file gets every event.
@Suite("Bounded trace")
struct TraceTests {
    static func command(_ opcode: UInt8, address: UInt32?, bank: Int? = nil) -> FlashEvent {
        .commandDecoded(DecodedCommand(opcode: opcode, name: "op\(opcode)", sentAddress: address, effectiveAddress: address, bank: bank,
                                       instructionLines: 1, addressLines: address == nil ? 0 : 1, dataLines: 4, dataBytes: 256))
    }

    static func entry(_ n: Int, call: Int?, _ event: HardwareEvent) -> TraceEntry {
        TraceEntry(time: .microseconds(UInt64(n)), pc: 0x2000_0100, call: call, event: event)
    }

    /// A Write call's worth of events: per page WREN, program, busy start and end; one refusal
    /// in the middle; one 3-byte program with a bank extension near the start.
    static func writeCall(pages: Int, call: Int, start: Int = 0) -> [TraceEntry] {
        var out: [TraceEntry] = []
        var n = start
        for page in 0..<pages {
            out.append(entry(n, call: call, .flash(command(0x06, address: nil)))); n += 1
            let bank = page == 5 ? 1 : nil
            out.append(entry(n, call: call, .flash(command(bank == nil ? 0x34 : 0x32, address: UInt32(page * 256), bank: bank)))); n += 1
            out.append(entry(n, call: call, .flash(.busyStarted(operation: "page program", until: .microseconds(UInt64(n + 1)))))); n += 1
            out.append(entry(n, call: call, .flash(.busyEnded(operation: "page program")))); n += 1
            if page == pages / 2 {
                out.append(entry(n, call: call, .flash(.refusedWithoutWriteEnable(command: "Page Program", address: 0)))); n += 1
            }
        }
        return out
    }

    @Test func keepsRareEventsAndTheEndsOfEachRoutineKindButNotTheBulk() {
        let trace = Trace()
        let batch = Self.writeCall(pages: 10_000, call: 3)
        trace.append(batch)
        #expect(trace.totalCount == batch.count)
        #expect(trace.entries.count < 200, "kept \(trace.entries.count) of \(batch.count)")
        // Every rare event, exactly once.
        #expect(trace.entries.filter { if case .flash(.refusedWithoutWriteEnable) = $0.event { return true }; return false }.count == 1)
        // The last events of the call are exactly the last ones of the full list.
        #expect(trace.entries.suffix(Trace.tailPerKind).map(\.description) == batch.suffix(Trace.tailPerKind).map(\.description))
        // The first command of each signature, even from the middle of the call.
        #expect(trace.entries.contains { if case .flash(.commandDecoded(let c)) = $0.event { return c.bank == 1 }; return false })
        // Counts are of everything, not of what was kept.
        #expect(trace.count(call: 3, source: "flash") == batch.count)
        #expect(trace.count(call: 2, source: "flash") == 0)
        // Time order is kept.
        #expect(trace.entries.indices.dropFirst().allSatisfy { trace.entries[$0 - 1].time <= trace.entries[$0].time })
    }

    @Test func eachCallKeepsItsOwnLastEvents() {
        let trace = Trace()
        let first = Self.writeCall(pages: 300, call: 0)
        let second = Self.writeCall(pages: 300, call: 1, start: 10_000)
        trace.append(first)
        trace.append(second)
        let kept = trace.entries.filter { $0.call == 0 }
        #expect(kept.suffix(5).map(\.description) == first.suffix(5).map(\.description))
        #expect(trace.count(call: 0, source: "flash") == first.count)
        #expect(trace.count(call: 1, source: "flash") == second.count)
    }

    @Test("A call drained in pieces (a long call's backlog) keeps what one drain of it keeps")
    func aCallDrainedInPiecesKeepsTheSame() {
        let calls = [Self.writeCall(pages: 3_000, call: 0), Self.writeCall(pages: 40, call: 1, start: 20_000)]
        let whole = Trace()
        for batch in calls { whole.append(batch) }
        let pieces = Trace()
        for batch in calls {
            // Uneven pieces, the last one closing the call's segment.
            var rest = batch[...]
            var size = 7
            while rest.count > size {
                pieces.append(Array(rest.prefix(size)), closesSegment: false)
                rest = rest.dropFirst(size)
                size = size * 3 % 1_001 + 1
            }
            pieces.append(Array(rest))
        }
        #expect(pieces.entries.map(\.description) == whole.entries.map(\.description))
        #expect(pieces.totalCount == whole.totalCount)
        #expect(pieces.count(call: 0, source: "flash") == calls[0].count)
        // An open segment is already visible, with its head and its tail so far.
        let open = Trace()
        open.append(Array(calls[0].prefix(1_000)), closesSegment: false)
        let partial = Trace()
        partial.append(Array(calls[0].prefix(1_000)))
        #expect(open.entries.map(\.description) == partial.entries.map(\.description))
    }

    @Test func theSinkGetsEveryEventInOrder() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let trace = Trace()
        let batch = Self.writeCall(pages: 2_000, call: 0)
        do {
            let sink = try TraceSink(path: path)
            trace.sink = sink
            trace.append(batch)
            sink.flush()
            trace.sink = nil
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == batch.map(\.description))
    }

    @Test func aSinkForAnUnwritablePathIsAnError() {
        #expect(throws: (any Error).self) { try TraceSink(path: "/nonexistent-directory/trace.txt") }
    }
}
