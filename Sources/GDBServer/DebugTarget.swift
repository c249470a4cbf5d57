/// What the protocol layer needs from the thing being debugged. The lab's implementation
/// sits on the emulated Cortex-M33; tests use a plain value model. All calls come from the
/// thread that called `GDBStub.halted`, with the core halted.
public protocol DebugTarget: AnyObject {
    /// The registers, numbered as in the target description (the `g` packet's order).
    var registers: [RegisterDescription] { get }
    /// Little-endian bytes of register `number`, `registers[number].bitSize / 8` of them.
    func readRegister(_ number: Int) -> [UInt8]?
    func writeRegister(_ number: Int, bytes: [UInt8]) -> Bool
    func readMemory(address: UInt32, count: Int) -> Result<[UInt8], DebugAccessError>
    func writeMemory(address: UInt32, bytes: [UInt8]) -> Result<Void, DebugAccessError>
    /// For `qXfer:memory-map:read`.
    var memoryMap: [MemoryMapRegion] { get }
    /// `Z`/`z`: false when the point cannot be set (the reply is an error, never a crash).
    func insert(_ point: StopPoint) -> Bool
    func remove(_ point: StopPoint) -> Bool
    /// `monitor …` (qRcmd): the text to print on the debugger's console.
    func monitor(_ command: String) -> String
}

/// Why the debugger cannot read or write some memory.
public enum DebugAccessError: Error, Equatable, Sendable, CustomStringConvertible {
    case unmapped(address: UInt32)
    /// A peripheral register that has side effects when read (a FIFO, a status that clears).
    case unreadableRegister(address: UInt32, name: String)
    case readOnly(address: UInt32, what: String)

    public var description: String {
        func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16, uppercase: true) }
        switch self {
        case .unmapped(let a): return "nothing is mapped at \(hex(a))"
        case let .unreadableRegister(a, name): return "\(name) at \(hex(a)) changes state when read; the debugger does not read it"
        case let .readOnly(a, what): return "\(what) at \(hex(a)) cannot be written by the debugger"
        }
    }
}

public struct RegisterDescription: Sendable, Equatable {
    public var name: String
    public var bitSize: Int
    /// `int`, `data_ptr`, `code_ptr`, `ieee_double`, … (target.dtd types).
    public var type: String
    public var group: String?
    /// The GDB feature the register belongs to ("org.gnu.gdb.arm.m-profile").
    public var feature: String

    public init(name: String, bitSize: Int, type: String = "int", group: String? = nil, feature: String) {
        self.name = name
        self.bitSize = bitSize
        self.type = type
        self.group = group
        self.feature = feature
    }
}

public struct MemoryMapRegion: Sendable, Equatable {
    public enum Kind: String, Sendable { case ram, rom, flash }
    public var kind: Kind
    public var start: UInt32
    public var length: UInt32
    /// For flash: the erase block size GDB would use to program it.
    public var blockSize: UInt32?
    /// A comment in the XML: "SRAM1-6", "OCTOSPI1".
    public var name: String

    public init(kind: Kind, start: UInt32, length: UInt32, blockSize: UInt32? = nil, name: String) {
        self.kind = kind
        self.start = start
        self.length = length
        self.blockSize = blockSize
        self.name = name
    }
}

/// A breakpoint or watchpoint as `Z`/`z` name it.
public struct StopPoint: Hashable, Sendable {
    public enum Kind: Int, Sendable {
        case software = 0, hardware = 1, write = 2, read = 3, access = 4
    }
    public var kind: Kind
    public var address: UInt32
    /// Bytes watched (watchpoints) or the instruction size (breakpoints: 2 or 4 in Thumb).
    public var length: UInt32

    public init(kind: Kind, address: UInt32, length: UInt32) {
        self.kind = kind
        self.address = address
        self.length = length
    }

    public var isWatchpoint: Bool { kind.rawValue >= 2 }
}

/// Why the target stopped, for the stop reply (`T` packet) and the console.
public enum StopReason: Sendable, Equatable {
    /// The debugger attached (or asked `?` before anything ran).
    case attached
    case breakpoint(StopPoint.Kind)
    case step
    case watchpoint(StopPoint.Kind, address: UInt32)
    /// Ctrl-C from the debugger.
    case interrupted
    /// A stop the session asked for (a loader call's entry, the finding's instruction).
    case requested
    /// A fault: SIGSEGV, SIGBUS or SIGILL as the fault's kind says.
    case fault(signal: Signal)

    public var signal: Signal {
        switch self {
        case .interrupted: .int
        case .fault(let s): s
        default: .trap
        }
    }
}

/// GDB's own signal numbering (include/gdb/signals.def), which the remote protocol uses:
/// not the host's.
public enum Signal: UInt8, Sendable {
    case int = 2, ill = 4, trap = 5, bus = 10, segv = 11, xcpu = 24
}
