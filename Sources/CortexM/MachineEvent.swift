import VirtualTime

/// What the core and its system control space saw, for the session's trace.
public enum MachineEvent: Sendable, Equatable, CustomStringConvertible {
    case vtorWritten(UInt32)
    case cpacrWritten(old: UInt32, new: UInt32)
    case sysTickEnabled(interrupt: Bool, processorClock: Bool, reload: UInt32)
    case sysTickDisabled
    case interruptsEnabled(irqs: [Int])
    case interruptsDisabled(irqs: [Int])
    case exceptionPended(number: Int, name: String)
    case resetRequested(aircr: UInt32)
    case debugRegisterWritten(register: String, value: UInt32)
    case cycleCounterEnabled(Bool)
    /// A write the silicon ignores (missing key, read-only register).
    case writeIgnored(register: String, value: UInt32, why: String)
    /// A system control space address the model does not implement (read as zero, writes ignored).
    case unmodeledSystemRegister(address: UInt32, write: Bool)
    case exceptionTaken(ExceptionEntry)
    case faulted(Fault)
    /// Host code rewrote memory that had executed; translated code was flushed.
    case codeRewritten(address: UInt32, count: Int)

    public var message: String {
        func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16, uppercase: true) }
        switch self {
        case .vtorWritten(let v): return "SCB VTOR = \(hex(v)): the vector table moves there"
        case .cpacrWritten(let old, let new):
            let cp10 = (new >> 20) & 3, cp11 = (new >> 22) & 3
            return "SCB CPACR \(hex(old)) -> \(hex(new)) (CP10=\(cp10), CP11=\(cp11): FPU \(cp10 == 3 && cp11 == 3 ? "enabled" : (cp10 == 0 ? "disabled" : "partly enabled")))"
        case .sysTickEnabled(let interrupt, let processorClock, let reload):
            return "SysTick enabled: LOAD=\(hex(reload)), clock \(processorClock ? "processor" : "external reference (core/8)"), TICKINT=\(interrupt ? 1 : 0)"
                + (interrupt ? " (the SysTick exception will be taken on wrap unless PRIMASK is set)" : "")
        case .sysTickDisabled: return "SysTick disabled"
        case .interruptsEnabled(let irqs): return "NVIC ISER: IRQ \(irqs.map(String.init).joined(separator: ", ")) enabled"
        case .interruptsDisabled(let irqs): return "NVIC ICER: IRQ \(irqs.map(String.init).joined(separator: ", ")) disabled"
        case .exceptionPended(let n, let name): return "exception \(n) (\(name)) pended"
        case .resetRequested(let v): return "SCB AIRCR = \(hex(v)): SYSRESETREQ, the chip resets"
        case .debugRegisterWritten(let reg, let v): return "\(reg) = \(hex(v))"
        case .cycleCounterEnabled(let on): return "DWT CYCCNT \(on ? "counting" : "stopped")"
        case .writeIgnored(let reg, let v, let why): return "write of \(hex(v)) to \(reg) ignored: \(why)"
        case .unmodeledSystemRegister(let address, let write):
            return "\(write ? "write to" : "read of") system register \(hex(address)), which the model does not implement (read as zero, write ignored)"
        case .exceptionTaken(let entry): return entry.description
        case .faulted(let fault): return fault.description
        case .codeRewritten(let address, let count): return "\(count) bytes of executed code rewritten at \(hex(address)); translations flushed"
        }
    }

    public var description: String { message }
}

/// The machine's one event list, shared with the system-control models so that their
/// records land in the same trace, stamped by the same clock.
final class EventLog {
    var events: [Timestamped<MachineEvent>] = []
    let clock: VirtualClock

    init(clock: VirtualClock) { self.clock = clock }

    func record(_ event: MachineEvent) {
        events.append(Timestamped(time: clock.now, pc: clock.currentPC, event: event))
    }
}
