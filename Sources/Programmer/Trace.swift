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
        var entries: [TraceEntry] = []
        for e in machine.events { entries.append(TraceEntry(time: e.time, pc: e.pc, call: call, event: .machine(e.event))) }
        machine.events.removeAll(keepingCapacity: true)
        for e in soc.drainEvents() { entries.append(TraceEntry(time: e.time, pc: e.pc, call: call, event: .soc(e.event))) }
        for e in flash.events { entries.append(TraceEntry(time: e.time, pc: e.pc, call: call, event: .flash(e.event))) }
        flash.events.removeAll(keepingCapacity: true)
        // Stable by time: within one instant, core before MCU before flash, as causes come first.
        return entries.enumerated().sorted { a, b in
            a.element.time != b.element.time ? a.element.time < b.element.time : a.offset < b.offset
        }.map(\.element)
    }
}

import Foundation
