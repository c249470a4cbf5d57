import VirtualTime

/// The width of one bus access, as the core issues it (LDRB/STRB, LDRH/STRH, LDR/STR).
public enum AccessWidth: Int, Sendable, CustomStringConvertible {
    case byte = 1
    case halfword = 2
    case word = 4

    public var description: String {
        switch self {
        case .byte: "8-bit"
        case .halfword: "16-bit"
        case .word: "32-bit"
        }
    }
}

/// Why a bus access faults, when a model decides it must (an access the silicon answers
/// with a bus error rather than ignoring).
public enum BusErrorKind: Sendable, Equatable, CustomStringConvertible {
    case unmapped
    case unaligned
    case rejected(String)

    public var description: String {
        switch self {
        case .unmapped: "no device answers at this address"
        case .unaligned: "unaligned access"
        case .rejected(let why): why
        }
    }
}

/// A register block or memory window on the system bus.
///
/// The machine calls `read`/`write` for every access that falls into the range the model
/// was mapped at, with the offset from that range's base. A model returns what the
/// silicon returns, records what it saw as events of its own type, may move the shared
/// `VirtualClock` forward (a blocking read, a poll that waits), and sets `error` to make
/// the access end in a bus fault.
///
/// Models are classes because the bus holds on to them and several peripherals talk to
/// each other (the OCTOSPI asks the RCC whether its clock runs); the state inside them is
/// plain values.
public protocol Peripheral: AnyObject {
    /// The reference manual's name for the block, e.g. "OCTOSPI1".
    var name: String { get }
    func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32
    func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?)
    /// Until when the model's answers to the same accesses stay the same unless software does
    /// something different: the instant its own state next changes (a flash operation
    /// ending). `.never` when only software can change them; nil when they may change at any
    /// instant (a free-running counter), which keeps a wait loop that reads the model from
    /// being folded (`WaitLoopFold`).
    var quietUntil: DeviceTime? { get }
}

extension Peripheral {
    public var quietUntil: DeviceTime? { nil }
}
