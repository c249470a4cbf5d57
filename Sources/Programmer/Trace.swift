import CortexM
import Foundation
import NORFlash
import STM32U5
import VirtualTime

/// What one model on the board saw.
public enum HardwareEvent: Sendable, CustomStringConvertible {
    case machine(MachineEvent)
    case soc(SoCEvent)
    case flash(FlashEvent)

    public var message: String {
        switch self {
        case .machine(let e): e.message
        case .soc(let e): e.message
        case .flash(let e): e.message
        }
    }

    public var source: String {
        switch self {
        case .machine: "core"
        case .soc: "mcu"
        case .flash: "flash"
        }
    }

    public var description: String { "\(source): \(message)" }
}

/// One event in the session's single trace, with the loader call it happened in.
public struct TraceEntry: Sendable, CustomStringConvertible {
    public var time: DeviceTime
    public var pc: UInt32
    /// Index into the session's calls; nil for what happened outside any call (setup, the
    /// programmer's own read-back over the debug port).
    public var call: Int?
    public var event: HardwareEvent

    public var description: String {
        String(format: "[%@] pc=0x%08X %@", time.description, pc, event.description)
    }
}

/// The session's trace, bounded: what the diagnosis rules need, never every event.
///
/// A full chip makes ~4 M hardware events, almost all of them routine: one `.transaction` and
/// its `.commandDecoded`, `.busyStarted`, `.busyEnded`, `.autoPollMatched` per page. The trace
/// streams every event to `sink` (`--trace FILE`) as it arrives and keeps:
/// - every event that is not routine (ignored writes, refusals, blocked pins, faults…), so a
///   rule that filters or counts those gets exactly the answer the whole list gave;
/// - of each routine kind, per call: the first `headPerKind` and the last `tailPerKind`, so
///   "the last n events of a call" (n ≤ `tailPerKind`, any mix of kinds) and "the last n
///   flash commands" are exact;
/// - the first event of each routine signature over the whole session (a decoded command's
///   opcode with whether it carried an address and a bank extension; a transaction's
///   instruction), so "the first command that…" over opcode and addressing is exact;
/// - per call and model, how many events there were (`count(call:source:)`), for a rule that
///   counts routine events.
/// Kept events stay in time order; `entries` is what `DiagnosisContext.trace` and its
/// `socEvents()` / `flashEvents()` / `machineEvents()` read.
public final class Trace {
    public static let headPerKind = 8
    public static let tailPerKind = 16

    /// What is kept, time-ordered.
    public private(set) var entries: [TraceEntry] = []
    /// Every event seen, kept or not.
    public private(set) var totalCount = 0
    /// Events per call (nil: outside any call) and model ("core", "mcu", "flash").
    private var counts: [Int?: [String: Int]] = [:]
    private var seenSignatures: Set<Signature> = []
    /// Written every event as it arrives, before anything is dropped.
    var sink: TraceSink?

    public init() {}

    /// Routine events, by kind.
    enum RoutineKind: Int, CaseIterable {
        case transaction, transactionRepeated, autoPollMatched, commandDecoded, busyStarted, busyEnded
    }

    /// The routine kind of an event, nil when the event is kept whatever happens.
    static func routineKind(_ event: HardwareEvent) -> RoutineKind? {
        switch event {
        case .soc(.transaction): .transaction
        case .soc(.transactionRepeated): .transactionRepeated
        case .soc(.autoPollMatched): .autoPollMatched
        case .flash(.commandDecoded): .commandDecoded
        case .flash(.busyStarted): .busyStarted
        case .flash(.busyEnded): .busyEnded
        default: nil
        }
    }

    /// What makes two routine events "the same kind" for `first of each`: a decoded command's
    /// opcode, address and bank presence and line widths; a transaction's instruction.
    struct Signature: Hashable {
        var kind: Int
        var a: Int
        var b: Int
        var c: Int
    }

    static func signature(_ event: HardwareEvent) -> Signature? {
        switch event {
        case .flash(.commandDecoded(let c)):
            Signature(kind: 0, a: Int(c.opcode), b: (c.sentAddress != nil ? 1 : 0) | (c.bank != nil ? 2 : 0),
                      c: c.instructionLines << 16 | c.addressLines << 8 | c.dataLines)
        case .soc(.transaction(let instance, let t, let delivered)):
            Signature(kind: 1, a: instance, b: t.instruction.map { Int($0) } ?? -1, c: delivered ? 1 : 0)
        default: nil
        }
    }

    /// Appends one drain of the models (one call's events, in time order).
    func append(_ batch: [TraceEntry]) {
        guard !batch.isEmpty else { return }
        totalCount += batch.count
        if let sink { for e in batch { sink.write(e) } }
        // Per kind: how many in this batch, to know which are among the last `tailPerKind`.
        // Per model: how many of the batch's first call (the usual case: one call per batch),
        // counted without hashing a model name per event.
        var kinds = [Int8](repeating: -1, count: batch.count)
        var perKind = [Int](repeating: 0, count: RoutineKind.allCases.count)
        var core = 0, mcu = 0, flash = 0
        let firstCall = batch[0].call
        for i in batch.indices {
            if let kind = Self.routineKind(batch[i].event) {
                kinds[i] = Int8(kind.rawValue)
                perKind[kind.rawValue] += 1
            }
            if batch[i].call != firstCall {
                counts[batch[i].call, default: [:]][batch[i].event.source, default: 0] += 1
            } else {
                switch batch[i].event {
                case .machine: core += 1
                case .soc: mcu += 1
                case .flash: flash += 1
                }
            }
        }
        for (source, n) in [("core", core), ("mcu", mcu), ("flash", flash)] where n > 0 {
            counts[firstCall, default: [:]][source, default: 0] += n
        }
        var seen = [Int](repeating: 0, count: RoutineKind.allCases.count)
        // Signatures this batch already found in `seenSignatures` (the few a program loop
        // cycles through: WREN, page program, status poll), checked before hashing.
        var known: [Signature] = []
        for i in batch.indices {
            let kind = Int(kinds[i])
            guard kind >= 0 else {
                entries.append(batch[i])
                continue
            }
            let index = seen[kind]
            seen[kind] = index + 1
            var keep = index < Self.headPerKind || index >= perKind[kind] - Self.tailPerKind
            if let signature = Self.signature(batch[i].event), !known.contains(signature) {
                if seenSignatures.insert(signature).inserted { keep = true }
                if known.count < 16 { known.append(signature) }
            }
            if keep { entries.append(batch[i]) }
        }
    }

    /// Events of call `call` (nil: outside calls) from `source` ("core", "mcu", "flash"), kept or not.
    public func count(call: Int?, source: String) -> Int { counts[call]?[source] ?? 0 }
}

/// Where `--trace FILE` goes: one line per event, written as the session runs.
public final class TraceSink {
    private let handle: FileHandle
    private var buffer = Data()

    /// Truncates and writes `path` in place (never a new file renamed over it, which would
    /// replace a link's target or a device node): the CLI checks the path first.
    public init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    func write(_ entry: TraceEntry) {
        buffer.append(contentsOf: Array((entry.description + "\n").utf8))
        if buffer.count >= 1 << 20 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    deinit {
        flush()
        try? handle.close()
    }
}

extension SimulatedBoard {
    /// Moves every model's new events into one time-ordered list.
    func drainEvents(call: Int?) -> [TraceEntry] {
        let machineEvents = machine.events
        machine.events.removeAll(keepingCapacity: true)
        let socEvents = soc.drainEvents()
        let flashEvents = flash.events
        flash.events.removeAll(keepingCapacity: true)
        // Stable by time: within one instant, core before MCU before flash, as causes come
        // first. Each model records in time order, so a three-way merge gives that order
        // without sorting millions of entries; the sort stays for a model that did not.
        func ordered<E>(_ list: [Timestamped<E>]) -> Bool {
            list.indices.dropFirst().allSatisfy { list[$0 - 1].time <= list[$0].time }
        }
        var entries: [TraceEntry] = []
        entries.reserveCapacity(machineEvents.count + socEvents.count + flashEvents.count)
        guard ordered(machineEvents), ordered(socEvents), ordered(flashEvents) else {
            for e in machineEvents { entries.append(TraceEntry(time: e.time, pc: e.pc, call: call, event: .machine(e.event))) }
            for e in socEvents { entries.append(TraceEntry(time: e.time, pc: e.pc, call: call, event: .soc(e.event))) }
            for e in flashEvents { entries.append(TraceEntry(time: e.time, pc: e.pc, call: call, event: .flash(e.event))) }
            return entries.enumerated().sorted { a, b in
                a.element.time != b.element.time ? a.element.time < b.element.time : a.offset < b.offset
            }.map(\.element)
        }
        var m = 0, s = 0, f = 0
        while m < machineEvents.count || s < socEvents.count || f < flashEvents.count {
            let tm = m < machineEvents.count ? machineEvents[m].time : nil
            let ts = s < socEvents.count ? socEvents[s].time : nil
            let tf = f < flashEvents.count ? flashEvents[f].time : nil
            if let tm, ts.map({ tm <= $0 }) ?? true, tf.map({ tm <= $0 }) ?? true {
                let e = machineEvents[m]
                entries.append(TraceEntry(time: e.time, pc: e.pc, call: call, event: .machine(e.event)))
                m += 1
            } else if let ts, tf.map({ ts <= $0 }) ?? true {
                let e = socEvents[s]
                entries.append(TraceEntry(time: e.time, pc: e.pc, call: call, event: .soc(e.event)))
                s += 1
            } else {
                let e = flashEvents[f]
                entries.append(TraceEntry(time: e.time, pc: e.pc, call: call, event: .flash(e.event)))
                f += 1
            }
        }
        return entries
    }
}
