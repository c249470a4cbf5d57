import Board
import NORFlash
import VirtualTime

/// Why a register write changed nothing.
public enum IgnoredWriteReason: Hashable, Sendable, CustomStringConvertible {
    /// The block's bus clock is off: `enable` names the RCC bit, e.g. "RCC_AHB2ENR2.OCTOSPI1EN".
    case clockDisabled(enable: String)
    /// SR.BUSY = 1 (RM0456 OCTOSPI: configuration registers can be written only when BUSY = 0).
    case busy
    /// CR.FMODE = 11: AR/IR writes are ignored in memory-mapped mode.
    case memoryMapped
    /// OCTOSPIM ports may change only while both OCTOSPIs have CR.EN = 0.
    case octospiEnabled(String)
    /// A field that is frozen by another state (PLL running, GPIO pin locked, …).
    case locked(String)

    public var description: String {
        switch self {
        case .clockDisabled(let bit): "written while \(bit)=0: the write is ignored"
        case .busy: "written while SR.BUSY=1: the write is ignored"
        case .memoryMapped: "written while CR.FMODE=11 (memory-mapped): the write is ignored"
        case .octospiEnabled(let who): "written while \(who) has CR.EN=1: OCTOSPIM changes only while both OCTOSPIs are disabled; the write is ignored"
        case .locked(let why): "the write is ignored: \(why)"
        }
    }
}

/// Why a flash signal never reaches the pin the board wires it to.
public enum SignalBlockReason: Hashable, Sendable {
    /// OCTOSPIM_PCRn does not route this OCTOSPI's signal to the board's port.
    case portNotRouted(register: String, field: String, value: UInt32)
    /// MODER is not 10 (alternate function).
    case notAlternateFunction(moder: UInt32)
    /// AFR selects another alternate function.
    case wrongAlternateFunction(found: Int, expected: Int)
    /// PG[15:2] need PWR_SVMCR.IO2SV = 1 (VDDIO2 valid).
    case vddio2NotValid
    /// The board does not wire this flash line to the MCU (IO2/IO3 of a flash used over one or
    /// two lines, held high on the board as WP# and HOLD#).
    case notWiredOnBoard
    /// Without an OCTOSPIM the pin is OCTOSPI1's IO`pinLine`, but IO`drivingLine` drives this
    /// flash line (CR.FSEL picks the nibble).
    case otherLine(pinLine: Int, drivingLine: Int)
}

/// Everything the SoC models saw that a diagnosis may need.
public enum SoCEvent: Hashable, Sendable, CustomStringConvertible {
    case ignoredWrite(peripheral: String, register: String, value: UInt32, reason: IgnoredWriteReason)
    /// A read of a block whose clock is off returns 0.
    case readWhileClockDisabled(peripheral: String, register: String, enable: String)
    /// One chip-select period the OCTOSPI drove; `delivered` is false when the signal path blocked it.
    case transaction(instance: Int, SPITransaction, delivered: Bool)
    /// The `.transaction` just before this event went out `times` more times in a row,
    /// identical (a status poll loop): recorded once, at the last repetition, so that a
    /// full-chip program does not keep millions of equal events.
    case transactionRepeated(instance: Int, times: UInt64)
    /// A register write that would have started a transfer while CR.EN = 0.
    case transferNotStarted(instance: Int, register: String, reason: String)
    /// `pin` is nil where the board wires no pin to the signal (`notWiredOnBoard`), or no pin
    /// could carry it (identify).
    case signalBlocked(instance: Int, signal: FlashSignal, pin: Pin?, reason: SignalBlockReason)
    /// SR.TEF: an indirect access beyond DCR1.DEVSIZE.
    case transferError(instance: Int, address: UInt32, deviceBytes: UInt64)
    case abort(instance: Int, fmode: UInt32)
    case autoPollMatched(instance: Int, polls: UInt64, status: UInt32)
    /// Auto-polling with a device that will never change by itself: the OCTOSPI polls forever.
    case autoPollStalled(instance: Int, status: UInt32, mask: UInt32, match: UInt32)
    case noKernelClock(instance: Int, source: String)
    /// A DR read with the FIFO empty and no transfer pending.
    case dataRegisterReadEmpty(instance: Int)
    /// A CPU or debug access to the memory window outside memory-mapped mode.
    case windowAccessRejected(instance: Int, address: UInt32, reason: String)
    case sysclkChanged(hz: UInt64, source: String)
    case flashLatencyTooLow(hclkHz: UInt64, vosRange: Int, latency: Int, required: Int)
    case sysclkAboveVoltageRange(hclkHz: UInt64, vosRange: Int, maximumHz: UInt64)
    /// DCACHE1 returned a line filled before the flash was programmed or erased.
    case staleCacheHit(address: UInt32)
    case gpioLockViolation(port: String, register: String)
    /// The OCTOSPI bus clock (FCLK = kernel / (PRESCALER + 1)) of the transfers from now on;
    /// recorded when it changes, so a rule can compare it with the flash's limits.
    case busClock(instance: Int, fclkHz: UInt64, kernelSource: String, kernelHz: UInt64)
    /// A pin carrying a flash signal has an OSPEEDR slew class too slow for FCLK (advisory:
    /// the model still delivers the data).
    case pinSpeedTooLow(pin: Pin, signal: FlashSignal, ospeedr: UInt32, fclkHz: UInt64, maximumHz: UInt64)
    /// An access to a peripheral this family member does not have (reads 0, writes ignored).
    case absentPeripheral(peripheral: String, mcu: String, address: UInt32, write: Bool)
    /// RCC_CR.HSEON set on a board without an HSE (its file gives no `clock.hseHz`).
    case hseWithoutCrystal
    /// An access to a peripheral the member has but the lab does not model.
    case unmodelledPeripheral(peripheral: String, address: UInt32, write: Bool)
    /// An access to a register (or a whole block) the lab does not model: it answers as
    /// plain storage (or 0) where the silicon may do more. Recorded once per register and direction.
    case unmodeledAccess(peripheral: String, register: String, write: Bool, value: UInt32)
    /// A read (`write` nil) or write to a block whose clock is off that could not change
    /// anything: the block was still at reset and the access read 0 or wrote the reset value.
    case unclockedAccessWithoutEffect(peripheral: String, register: String, enable: String, write: UInt32?)

    public var message: String {
        switch self {
        case let .ignoredWrite(p, r, v, reason):
            "\(p) \(r) (0x\(hex(v))) \(reason)"
        case let .readWhileClockDisabled(p, r, e): "\(p) \(r) read while \(e)=0: reads as 0"
        case let .transaction(i, t, delivered):
            "OCTOSPI\(i) \(t)" + (delivered ? "" : " (blocked: the flash saw nothing)")
        case let .transactionRepeated(i, n):
            "OCTOSPI\(i) the same transaction \(n) more time\(n == 1 ? "" : "s") in a row"
        case let .transferNotStarted(i, r, why): "OCTOSPI\(i) \(r) write would start a transfer but \(why): nothing happens"
        case let .signalBlocked(i, s, pin, reason):
            switch reason {
            case let .portNotRouted(reg, field, v):
                "OCTOSPIM \(reg)=0x\(hex(v)) does not route OCTOSPI\(i) \(s) (\(field)): " + (pin.map { "\($0) carries nothing" } ?? "no pin carries it")
            case let .notAlternateFunction(m):
                "\(pinName(pin)) (\(s)) is in \(modeName(m)) mode (MODER=\(String(m, radix: 2).leftPad(2))): OCTOSPI\(i)'s \(s) never reaches the flash"
            case let .wrongAlternateFunction(found, expected):
                "\(pinName(pin)) (\(s)) selects AF\(found), the board needs AF\(expected): OCTOSPI\(i)'s \(s) never reaches the flash"
            case .vddio2NotValid:
                "\(pinName(pin)) (\(s)) is in the VDDIO2 domain and PWR_SVMCR.IO2SV=0: the pin is not powered"
            case .notWiredOnBoard:
                "the board does not wire the flash's \(s) to the MCU (held high as WP#/HOLD#): OCTOSPI\(i)'s \(s) never reaches the flash"
            case let .otherLine(pinLine, driving):
                "\(pinName(pin)) (the flash's \(s)) is OCTOSPI\(i)'s IO\(pinLine), but IO\(driving) drives the flash's \(s) (CR.FSEL=\(driving >= 4 ? 1 : 0)): the line carries nothing for it"
            }
        case let .transferError(i, a, size): "OCTOSPI\(i) SR.TEF: address 0x\(hex(a)) lies beyond DEVSIZE (\(size) bytes)"
        case let .abort(i, f): "OCTOSPI\(i) CR.ABORT: ongoing command aborted, TCF set (FMODE stays \(String(f, radix: 2).leftPad(2)))"
        case let .autoPollMatched(i, n, s): "OCTOSPI\(i) auto-polling matched after \(n) polls (status 0x\(hex(s)))"
        case let .autoPollStalled(i, s, m, match):
            "OCTOSPI\(i) auto-polling never matches: status 0x\(hex(s)) & mask 0x\(hex(m)) != match 0x\(hex(match)) and the flash will not change by itself"
        case let .noKernelClock(i, src): "OCTOSPI\(i) kernel clock \(src) is not running: no transfer happens"
        case let .dataRegisterReadEmpty(i): "OCTOSPI\(i) DR read with an empty FIFO and no transfer pending: reads 0"
        case let .windowAccessRejected(i, a, why): "OCTOSPI\(i) window access at 0x\(hex(a)): \(why) (AHB bus error)"
        case let .sysclkChanged(hz, src): "SYSCLK is now \(hz) Hz from \(src)"
        case let .flashLatencyTooLow(hz, r, l, req):
            "FLASH_ACR.LATENCY=\(l) is too low for HCLK \(hz) Hz in voltage range \(r): needs \(req) wait states"
        case let .sysclkAboveVoltageRange(hz, r, max):
            "HCLK \(hz) Hz exceeds voltage range \(r)'s maximum of \(max) Hz (PWR_VOSR.VOS)"
        case let .staleCacheHit(a): "DCACHE1 returned a line at 0x\(hex(a)) filled before the flash was written: stale data (invalidate with DCACHE_CR.CACHEINV)"
        case let .gpioLockViolation(port, reg): "\(port) \(reg) write touches pins locked by LCKR: those bits are ignored"
        case let .busClock(i, f, src, k): "OCTOSPI\(i) FCLK is \(f) Hz (kernel \(src) \(k) Hz / (DCR2.PRESCALER+1))"
        case let .pinSpeedTooLow(pin, s, o, f, max):
            "\(pin) (\(s)) OSPEEDR=\(String(o, radix: 2).leftPad(2)) is rated to about \(max) Hz but FCLK is \(f) Hz: set OSPEEDR=11 (very high speed)"
        case let .absentPeripheral(p, mcu, a, w):
            "\(w ? "write to" : "read of") 0x\(hex(a)): the \(mcu) has no \(p) (reads 0, writes do nothing)"
        case .hseWithoutCrystal:
            "RCC_CR.HSEON set, but the board has no HSE (its board file gives no clock.hseHz): HSERDY never rises"
        case let .unmodelledPeripheral(p, a, w):
            "\(w ? "write to" : "read of") 0x\(hex(a)) (\(p)): LoaderLab does not model \(p); what follows is not a verdict on the loader"
        case let .unclockedAccessWithoutEffect(p, r, e, w):
            "\(p) \(r) " + (w.map { "written with 0x\(hex($0))" } ?? "read") + " while \(e)=0 and \(p) is at reset: "
                + (w == nil ? "reads 0, as it would with the clock on" : "the register already holds that value")
        case let .unmodeledAccess(p, r, w, v):
            (w ? "write of 0x\(hex(v)) to " : "read of ") + r + (p == "no model" ? ", in a peripheral block the lab does not model (reads 0, writes kept nowhere)"
                : ", a \(p) register the lab does not model (kept as plain storage)")
        }
    }

    public var description: String { message }
}

func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}

private func modeName(_ m: UInt32) -> String {
    switch m { case 0: "input"; case 1: "output"; case 2: "alternate-function"; default: "analog" }
}

extension String {
    func leftPad(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}

/// The one event trace the SoC models share; the session drains it.
public final class SoCEventLog {
    /// Recorded so far; a run of identical transactions in progress is summed up (as a
    /// `.transactionRepeated`) only by `drain()`.
    public private(set) var events: [Timestamped<SoCEvent>] = []
    let clock: VirtualClock

    public init(clock: VirtualClock) { self.clock = clock }

    /// Repetitions of the last recorded `.transaction` not yet written as a
    /// `.transactionRepeated` (with the time and PC of the latest one).
    private var pendingRepeats: UInt64 = 0
    private var pendingRepeatTime = DeviceTime.zero
    private var pendingRepeatPC: UInt32 = 0

    /// Called when `backlogLimit` events (or as many repeats of one transaction) wait to be
    /// drained: a call that polls the flash for seconds of device time makes millions, and
    /// the session drains them into its bounded trace before the call ends.
    public var onBacklog: (() -> Void)?
    public var backlogLimit = 65_536

    func record(_ event: SoCEvent) {
        if case .transaction(let instance, let t, let delivered) = event, let last = events.last,
           case .transaction(instance, let previous, delivered) = last.event, previous == t {
            pendingRepeats += 1
            pendingRepeatTime = clock.now
            pendingRepeatPC = clock.currentPC
            if pendingRepeats % UInt64(max(1, backlogLimit)) == 0, let onBacklog { onBacklog() }
            return
        }
        flushRepeats()
        events.append(Timestamped(time: clock.now, pc: clock.currentPC, event: event))
        if events.count >= backlogLimit, let onBacklog { onBacklog() }
    }

    private func flushRepeats() {
        guard pendingRepeats > 0, let last = events.last, case .transaction(let instance, _, _) = last.event else { return }
        // A single repeat stays as it was: a summary pays off from two on.
        let event: SoCEvent = pendingRepeats == 1 ? last.event : .transactionRepeated(instance: instance, times: pendingRepeats)
        events.append(Timestamped(time: pendingRepeatTime, pc: pendingRepeatPC, event: event))
        pendingRepeats = 0
    }

    public func drain() -> [Timestamped<SoCEvent>] {
        flushRepeats()
        // The next call records about as many: start it at this capacity, not from empty.
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }
}

private func pinName(_ pin: Pin?) -> String { pin.map { "\($0)" } ?? "no pin" }
