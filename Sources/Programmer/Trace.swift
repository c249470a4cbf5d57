import CortexM
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
