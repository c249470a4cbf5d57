import VirtualTime

/// A JEDEC SPI NOR flash chip: a command decoder, the registers of `FlashRegisters`, and
/// the array, with the part's behaviour taken from a `FlashPart` table.
///
/// ```
///   OCTOSPI model ──SPITransaction, now──► exchange ──► decode (QPI/SPI lines, opcode)
///                                               │          ├─ address: EXTADD, BAR, width
///                                               │          ├─ refusals: busy, WEL, QE, BP
///                                               │          └─ operation on registers/array
///                 ◄── bytes driven (shifted by ─┘ dummy mismatch) ── events, content history
/// ```
/// It is a class because the OCTOSPI model holds it; everything inside is values. Time is
/// the `now` of each exchange: a busy operation ends lazily, when an exchange (or
/// `settle(at:)`) sees that `now` passed its end. The flash knows nothing of the MCU, so an
/// MCU reset leaves it as it is (`mcuReset()`); only `powerCycle()` reloads it.
public final class NORFlash: SPIDevice {
    public let part: FlashPart
    /// Typical busy times (default) or the datasheet maximum.
    public var timing: FlashTimingProfile
    /// Set by the controller before each exchange so events name the code that caused them.
    public var currentPC: UInt32 = 0
    /// Everything the flash saw, oldest first; the session may drain it.
    public var events: [Timestamped<FlashEvent>] = []
    /// Every change of the array, oldest first.
    public internal(set) var changes: [ContentChange] = []
    public internal(set) var registers: FlashRegisters
    public internal(set) var isQPI = false
    /// SPI, STR OPI or DTR OPI (octal parts; CR2 at 0x0000_0000 selects it).
    public internal(set) var octalMode: FlashOctalMode = .spi
    /// Programs and erases that fail as a worn or damaged array would (tests, fault injection).
    public var faults = FlashFaultInjection()
    public internal(set) var isDeepPowerDown = false
    /// The read command a continuous ("AX") read repeats without its opcode, if active.
    public internal(set) var continuousRead: FlashCommand?
    /// An injected chip failure (`NORFlash+FaultInjection.swift`), and what it did.
    public var fault: FlashFault?
    public internal(set) var faultState = FlashFaultState()

    struct BusyOperation {
        var label: FlashOperationLabel
        var description: String { label.description }
        var ends: DeviceTime
        var suspendable: Bool
        var isErase: Bool
        var isProgramOrErase = false
    }
    struct SuspendedOperation {
        var operation: BusyOperation
        var remaining: DeviceTime
    }

    var storage: [UInt8]
    var busy: BusyOperation?
    var suspended: SuspendedOperation?
    var resetEnabled = false
    /// 50h was the last command: the next status register write is volatile and needs no WEL.
    var volatileStatusWriteEnabled = false
    /// Stacked-die parts: a program/erase ran and 70h has not yet been read as ready.
    var flagStatusReadPending = false
    var lastTime: DeviceTime = .zero
    /// Where the events of the last exchange begin in `events` (for `compactTrace`).
    var lastGroupStart = -1

    /// - Parameters:
    ///   - nonVolatile: the non-volatile register values the part powers up with (status
    ///     bits 7:2, function register, NV read/extended read/bank registers); the default
    ///     is the factory state: QE=0, no protection, 3-byte mode.
    public init(
        part: FlashPart = .is25lp512m,
        content: FlashInitialContent = .erased,
        timing: FlashTimingProfile = .typical,
        nonVolatile: FlashRegisters? = nil
    ) {
        self.part = part
        self.timing = timing
        var registers = nonVolatile ?? part.factoryRegisters
        if nonVolatile == nil {
            registers.extendedReadParametersNonVolatile = part.defaultExtendedReadRegister
        }
        self.registers = registers
        self.storage = content.materialize(size: part.size)
        loadPowerOnState()
    }

    /// Volatile registers from their non-volatile copies, and the power-on address mode
    /// from wherever the part keeps it.
    func loadPowerOnState() {
        registers.loadNonVolatile()
        switch part.traits.addressMode {
        case .issiBankRegister:
            break
        case .statusBits(let register, _, let powerUp):
            registers.bankAddress = registers[status: register] & powerUp != 0 ? FlashRegisters.extendedAddress : 0
        case .micronFlagStatus:
            registers.bankAddress = registers.nonVolatileConfiguration & 1 == 0 ? FlashRegisters.extendedAddress : 0
        case .macronixConfiguration, .threeByteOnly:
            registers.bankAddress = 0
        }
        octalMode = .spi
        volatileStatusWriteEnabled = false
        flagStatusReadPending = false
    }

    // MARK: Direct inspection (not through SPI)

    /// The whole array.
    public var bytes: [UInt8] { storage }

    /// `count` bytes from `address`, wrapping at the end of the array as a read does.
    public func read(address: UInt32, count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        return readArray(from: Int(address) % part.size, count: count)
    }

    /// Merged ranges changed by operations at or after `time`.
    public func changedRanges(since time: DeviceTime = .zero) -> [Range<UInt32>] {
        changes.filter { $0.time >= time }.map(\.range).merged()
    }

    /// Merged ranges changed by `changes[index...]`, for a session that notes `changes.count`.
    public func changedRanges(fromChange index: Int) -> [Range<UInt32>] {
        guard index < changes.count else { return [] }
        return changes[max(0, index)...].map(\.range).merged()
    }

    /// Status register as 05h returns it (WIP from the busy state).
    public var statusRegister: UInt8 { registers.status | (busy != nil ? 1 : 0) }

    /// Whether quad (4-line) phases are accepted: QE set where the part has one.
    public var quadEnabled: Bool {
        switch part.traits.quadEnable {
        case .notRequired: return true
        case .bit(let register, let mask): return registers[status: register] & mask != 0
        }
    }
    public var isBusy: Bool { busy != nil }

    /// When the current program/erase/register write ends, if one runs.
    public var nextSelfTimedChange: DeviceTime? { busyForever ? nil : busy?.ends }
    /// An injected stuck-busy fault (WIP stays 1, no time clears it) or power loss.
    public var isFrozen: Bool { faultState.poweredOff || busyForever }
    private var busyForever: Bool { busy.map { $0.ends >= Self.forever } ?? false }

    /// Ends the busy operation if `now` has passed its end.
    public func settle(at now: DeviceTime) {
        if let b = busy, b.ends <= now {
            busy = nil
            if b.isProgramOrErase && part.quirks.flagStatusMustBePolled { flagStatusReadPending = true }
            events.append(Timestamped(time: b.ends, pc: currentPC, event: .busyEnded(operation: b.label)))
        }
        if now > lastTime { lastTime = now }
    }

    /// Power removed and restored: volatile state from the non-volatile registers, SPI
    /// mode, no busy operation (one in progress is cut short; its content change stays).
    public func powerCycle() {
        busy = nil
        suspended = nil
        isQPI = false
        isDeepPowerDown = false
        continuousRead = nil
        resetEnabled = false
        loadPowerOnState()
        record(.powerCycled)
    }

    /// An MCU reset does not reach the flash: QPI, EXTADD, the bank register and continuous
    /// read survive it (reference §A.5, Zephyr #117492). Present so callers say so explicitly.
    public func mcuReset() {}

    // MARK: Recording

    func record(_ event: FlashEvent) {
        events.append(Timestamped(time: lastTime, pc: currentPC, event: event))
    }

    func recordDecoded(_ decoded: DecodedCommand) {
        record(.commandDecoded(decoded))
    }

    /// Keeps the trace small: the events one exchange recorded (from `start`) fold into
    /// the previous exchange's when they repeat it. Register polls collapse into one
    /// entry with a repeat count; a read that continues where the previous one (same
    /// opcode) stopped extends it, with its refusals or warnings if they are the same.
    /// A memory-mapped verify of 64 MiB stays one entry instead of millions.
    func compactTrace(from start: Int) {
        let count = events.count - start
        guard count > 0 else { return }
        defer { if events.count > start { lastGroupStart = start } }
        guard lastGroupStart >= 0, lastGroupStart < start, start - lastGroupStart == count,
              case .commandDecoded(var previous) = events[lastGroupStart].event,
              case .commandDecoded(let decoded) = events[start].event,
              previous.opcode == decoded.opcode, previous.continuousRead == decoded.continuousRead,
              previous.instructionLines == decoded.instructionLines,
              previous.addressLines == decoded.addressLines, previous.dataLines == decoded.dataLines
        else { return }
        for i in 1..<count where !Self.sameKind(events[lastGroupStart + i].event, events[start + i].event) { return }
        if decoded.sentAddress == nil && previous.sentAddress == nil && previous.dataBytes == decoded.dataBytes {
            // A repeated poll.
        } else if part.command(decoded.opcode)?.operation == .read, previous.bank == decoded.bank,
                  let first = previous.effectiveAddress, let next = decoded.effectiveAddress,
                  Int(first) + previous.dataBytes == Int(next) {
            previous.dataBytes += decoded.dataBytes
        } else {
            return
        }
        previous.repeats += 1
        let head = events[lastGroupStart]
        events[lastGroupStart] = Timestamped(time: head.time, pc: head.pc, event: .commandDecoded(previous))
        events.removeLast(count)
    }

    /// Events that say the same thing about consecutive accesses of one stream.
    static func sameKind(_ a: FlashEvent, _ b: FlashEvent) -> Bool {
        switch (a, b) {
        case (.addressAliasedByBank(let c1, _, _, let b1), .addressAliasedByBank(let c2, _, _, let b2)):
            return c1 == c2 && b1 == b2
        case (.addressBeyondDevice(let c1, _, _), .addressBeyondDevice(let c2, _, _)):
            return c1 == c2
        default:
            return a == b
        }
    }

    func readArray(from start: Int, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var address = start
        var done = 0
        while done < count {
            let n = min(count - done, part.size - address)
            out.withUnsafeMutableBufferPointer { dst in
                storage.withUnsafeBufferPointer { src in
                    if let d = dst.baseAddress, let s = src.baseAddress {
                        (d + done).update(from: s + address, count: n)
                    }
                }
            }
            done += n
            address = 0
        }
        return out
    }
}
