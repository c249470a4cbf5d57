import VirtualTime

/// A block of code that ran often, for "where was it spinning".
public struct HotSpot: Sendable, Equatable, CustomStringConvertible {
    /// The start address of the translated block (Thumb bit clear).
    public var pc: UInt32
    /// How many times the block was entered during the call.
    public var executions: UInt64
    public var symbol: SymbolLocation?

    public init(pc: UInt32, executions: UInt64, symbol: SymbolLocation?) {
        self.pc = pc
        self.executions = executions
        self.symbol = symbol
    }

    public var description: String {
        "0x\(String(pc, radix: 16))" + (symbol.map { " (\($0))" } ?? "") + " × \(executions)"
    }
}

/// An exception the silicon would have taken where Unicorn takes none.
public struct ExceptionEntry: Sendable, Equatable, CustomStringConvertible {
    /// The exception number: 2 NMI, 11 SVCall, 14 PendSV, 15 SysTick, 16+n external IRQ n.
    public var number: Int
    public var name: String
    /// VTOR at that moment.
    public var vtor: UInt32
    /// The handler address read from the vector table (`vtor + 4 * number`), when that is mapped RAM.
    public var handler: UInt32?
    /// The instruction the exception would have interrupted.
    public var pc: UInt32
    public var symbol: SymbolLocation?

    public init(number: Int, name: String, vtor: UInt32, handler: UInt32?, pc: UInt32, symbol: SymbolLocation?) {
        self.number = number
        self.name = name
        self.vtor = vtor
        self.handler = handler
        self.pc = pc
        self.symbol = symbol
    }

    public var description: String {
        let where_ = "0x\(String(pc, radix: 16))" + (symbol.map { " (\($0))" } ?? "")
        let handlerText = handler.map { "handler 0x\(String($0, radix: 16)) from the vector table at VTOR 0x\(String(vtor, radix: 16))" }
            ?? "no vector table is mapped at VTOR 0x\(String(vtor, radix: 16))"
        return "exception \(number) (\(name)) taken at \(where_); \(handlerText)"
    }
}

/// How a `Machine.call` ended.
public enum CallOutcome: Sendable, Equatable, CustomStringConvertible {
    /// Execution reached the return address: R0 (and R1, for a 64-bit result).
    case returned(r0: UInt32, r1: UInt32)
    case faulted(Fault)
    /// The instruction budget ran out; `hottest` are the most executed blocks.
    case budgetExhausted(instructions: UInt64, hottest: [HotSpot])
    /// The virtual clock passed the call's device-time limit.
    case deviceTimeExceeded(limit: DeviceTime, hottest: [HotSpot])
    /// The host wall-clock guard stopped the emulation.
    case hostTimeExceeded(seconds: Double, hottest: [HotSpot])
    /// The silicon would have taken an exception here (SysTick, PendSV, a pended IRQ, NMI).
    case exceptionTaken(ExceptionEntry)
    /// Software wrote AIRCR with VECTKEY and SYSRESETREQ: the chip would reset.
    case resetRequested(pc: UInt32)

    public var description: String {
        switch self {
        case .returned(let r0, let r1): "returned r0=0x\(String(r0, radix: 16)) r1=0x\(String(r1, radix: 16))"
        case .faulted(let fault): "faulted: \(fault)"
        case .budgetExhausted(let n, let hot): "instruction budget of \(n) exhausted; hottest: \(hot.map(\.description).joined(separator: ", "))"
        case .deviceTimeExceeded(let limit, let hot): "device time limit of \(limit) exceeded; hottest: \(hot.map(\.description).joined(separator: ", "))"
        case .hostTimeExceeded(let s, let hot): "host time guard of \(s) s hit; hottest: \(hot.map(\.description).joined(separator: ", "))"
        case .exceptionTaken(let entry): entry.description
        case .resetRequested(let pc): "system reset requested through AIRCR.SYSRESETREQ at pc 0x\(String(pc, radix: 16))"
        }
    }
}
