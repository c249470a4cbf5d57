/// Which way a faulting bus access went.
public enum MemoryAccessKind: String, Sendable, Equatable {
    case read, write, fetch
}

/// What stopped a call the way the silicon would have taken a fault (HardFault or a
/// configurable fault), with the instruction that caused it.
public struct Fault: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// UsageFault UNDEFINSTR (or Unicorn could not decode the instruction).
        case undefinedInstruction
        /// UsageFault NOCP: a coprocessor instruction while CPACR denies it (FP is CP10/CP11).
        case coprocessorDenied(coprocessor: Int)
        /// BusFault: nothing is mapped there.
        case unmappedAccess(address: UInt32, access: MemoryAccessKind)
        /// UsageFault UNALIGNED: a halfword/word access to Device memory not aligned to its size.
        case unalignedAccess(address: UInt32, width: AccessWidth, access: MemoryAccessKind)
        /// BusFault: a peripheral model answered with an error.
        case busError(address: UInt32, peripheral: String, why: BusErrorKind)
        /// UsageFault INVSTATE: execution with the Thumb bit clear (e.g. `bx` to an even address).
        case invalidState
        /// A `BKPT` other than the return trampoline (the core would halt in debug state).
        case breakpoint(immediate: UInt8)
        /// `SVC`: the SVCall exception would be taken (a loader has no handler for it).
        case supervisorCall(immediate: UInt8)
        /// Any other exception Unicorn raised, by its QEMU exception number.
        case hardFault(String)
    }

    public let kind: Kind
    /// The address of the faulting instruction (Thumb bit clear).
    public let pc: UInt32
    /// Where `pc` falls in the symbols given to the machine.
    public let symbol: SymbolLocation?

    public init(kind: Kind, pc: UInt32, symbol: SymbolLocation?) {
        self.kind = kind
        self.pc = pc
        self.symbol = symbol
    }

    /// The data or fetch address involved, when there is one.
    public var address: UInt32? {
        switch kind {
        case .unmappedAccess(let address, _), .unalignedAccess(let address, _, _), .busError(let address, _, _): address
        default: nil
        }
    }

    public var description: String {
        let at = "at pc 0x\(String(pc, radix: 16))" + (symbol.map { " (\($0))" } ?? "")
        func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
        switch kind {
        case .undefinedInstruction:
            return "UsageFault UNDEFINSTR: undefined instruction \(at)"
        case .coprocessorDenied(let cp):
            return "UsageFault NOCP: coprocessor CP\(cp) instruction \(at) while CPACR denies access (CPACR.CP10/CP11 must be 0b11 before any FP instruction)"
        case .unmappedAccess(let address, let access):
            return "BusFault: \(access.rawValue) of \(hex(address)) \(at): nothing is mapped there"
        case .unalignedAccess(let address, let width, let access):
            return "UsageFault UNALIGNED: \(width) \(access.rawValue) of \(hex(address)) \(at): Device memory needs naturally aligned accesses"
        case .busError(let address, let peripheral, let why):
            return "BusFault: \(peripheral) refused the access to \(hex(address)) \(at): \(why)"
        case .invalidState:
            return "UsageFault INVSTATE: execution in ARM state \(at) (a branch target without the Thumb bit)"
        case .breakpoint(let imm):
            return "BKPT #\(imm) \(at): the core halts in debug state"
        case .supervisorCall(let imm):
            return "SVC #\(imm) \(at): SVCall exception with no handler a loader could rely on"
        case .hardFault(let why):
            return "HardFault \(at): \(why)"
        }
    }
}
