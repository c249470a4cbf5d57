import CUnicorn
import VirtualTime

/// SysTick, the ARMv8-M system timer (0xE000_E010; ARMv8-M ARM B11 "The system timer").
///
/// The counter is not stepped: it is computed from the virtual clock when read. It counts
/// down from VAL at the processor clock (CLKSOURCE = 1) or at `processor / externalDivider`
/// (CLKSOURCE = 0; the STM32U5's default external reference is HCLK/8, the model's choice).
/// Counting 1 → 0 sets COUNTFLAG and, with TICKINT, pends exception 15; from 0 the next tick
/// reloads LOAD. So from VAL = 0 the first wrap comes LOAD + 1 ticks later. A frequency
/// change while counting applies to the whole interval since the last register access
/// (the loader normally reprograms SysTick after changing SYSCLK).
public final class SysTick: Peripheral {
    public let name = "SysTick"
    /// CTRL bits ENABLE (0), TICKINT (1), CLKSOURCE (2); COUNTFLAG lives in `countFlag`.
    public private(set) var control: UInt32 = 0
    public private(set) var reload: UInt32 = 0
    /// CALIB: NOREF = 0, SKEW = 1, TENMS = 0 ("not known"). The silicon's value is implementation defined.
    public var calibration: UInt32 = 0x4000_0000
    public var externalDivider: UInt64 = 8
    public private(set) var countFlag = false
    /// Reads of CTRL or VAL while the counter is disabled: code waiting on a SysTick that
    /// nobody started (the HAL_Delay-without-HAL_InitTick mistake) shows up here.
    public private(set) var readsWhileDisabled: UInt64 = 0
    /// Exception 15 pending (set by a wrap with TICKINT, or ICSR.PENDSTSET).
    var pending: Bool {
        get { signals.storage.pointee.sysTickPending }
        set { signals.storage.pointee.sysTickPending = newValue }
    }
    /// When the next 1 → 0 transition that pends the exception happens; `.never` when none can.
    private(set) var nextInterruptTime: DeviceTime {
        get { DeviceTime(picoseconds: signals.storage.pointee.sysTickNext) }
        set { signals.storage.pointee.sysTickNext = newValue.picoseconds }
    }
    private let signals: ExceptionSignals

    private var originTime = DeviceTime.zero
    private var valueAtOrigin: UInt32 = 0
    /// The tick rate since `originTime`; the machine rebases when SYSCLK changes.
    private var originHz: UInt64 = 0
    private let clock: VirtualClock
    private let log: EventLog

    init(clock: VirtualClock, log: EventLog, signals: ExceptionSignals) {
        self.clock = clock
        self.log = log
        self.signals = signals
    }

    var enabled: Bool { control & 1 != 0 }
    var interruptEnabled: Bool { control & 2 != 0 }

    private var tickHz: UInt64 {
        let core = max(clock.coreFrequencyHz, 1)
        return control & 4 != 0 ? core : max(core / max(externalDivider, 1), 1)
    }

    /// The counter value now.
    public var currentValue: UInt32 {
        catchUp()
        return valueAtOrigin
    }

    /// Brings the counter to the clock's `now`, recording wraps, at the rate in force since
    /// the last rebase.
    func catchUp() {
        guard enabled else {
            originTime = clock.now
            originHz = tickHz
            return
        }
        let hz = originHz == 0 ? tickHz : originHz
        let ticks = (clock.now - originTime).cycles(atHertz: hz)
        guard ticks > 0 else { return }
        let (value, wrapped) = Self.count(from: valueAtOrigin, reload: reload, ticks: ticks)
        originTime = originTime + DeviceTime.cycles(ticks, atHertz: hz)
        valueAtOrigin = value
        if wrapped {
            countFlag = true
            if interruptEnabled { pending = true }
        }
        scheduleInterrupt()
    }

    /// The core clock changed (RCC switched SYSCLK): count up to now at the old rate, then
    /// continue at the new one.
    func coreClockChanged() {
        catchUp()
        originTime = clock.now
        originHz = tickHz
        scheduleInterrupt()
    }

    /// Counting `ticks` from `value`: the value reached, and whether 1 → 0 happened on the way.
    static func count(from value: UInt32, reload: UInt32, ticks: UInt64) -> (UInt32, Bool) {
        let period = UInt64(reload) + 1
        if value > 0 {
            if ticks < UInt64(value) { return (value - UInt32(ticks), false) }
            let rest = ticks - UInt64(value)
            if rest == 0 || reload == 0 { return (0, true) }
            return (reload - UInt32((rest - 1) % period), true)
        }
        if reload == 0 || ticks == 0 { return (0, false) }
        return (reload - UInt32((ticks - 1) % period), ticks >= period)
    }

    private func scheduleInterrupt() {
        guard enabled, interruptEnabled else { nextInterruptTime = .never; return }
        let ticksToWrap: UInt64
        if valueAtOrigin > 0 {
            ticksToWrap = UInt64(valueAtOrigin)
        } else if reload > 0 {
            ticksToWrap = UInt64(reload) + 1
        } else {
            nextInterruptTime = .never
            return
        }
        nextInterruptTime = originTime + DeviceTime.cycles(ticksToWrap, atHertz: originHz == 0 ? tickHz : originHz)
    }

    public func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        if control & 1 == 0, offset & ~3 == 0x0 || offset & ~3 == 0x8 { readsWhileDisabled &+= 1 }
        switch offset & ~3 {
        case 0x0:
            catchUp()
            let value = control | (countFlag ? 1 << 16 : 0)
            countFlag = false  // COUNTFLAG clears when CTRL is read
            return value
        case 0x4: return reload
        case 0x8: return currentValue
        case 0xC: return calibration
        default: return 0
        }
    }

    public func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
        catchUp()
        switch offset & ~3 {
        case 0x0:
            let old = control
            control = value & 0x7
            if old & 1 == 0, control & 1 != 0 { originTime = clock.now }
            if control & 1 != 0, old & 3 != control & 3 || old & 4 != control & 4 {
                log.record(.sysTickEnabled(interrupt: control & 2 != 0, processorClock: control & 4 != 0, reload: reload))
            } else if old & 1 != 0, control & 1 == 0 {
                log.record(.sysTickDisabled)
            }
        case 0x4:
            reload = value & 0x00FF_FFFF
        case 0x8:
            // Any write clears the counter and COUNTFLAG; the next tick reloads.
            valueAtOrigin = 0
            countFlag = false
            originTime = clock.now
        default:
            break
        }
        if offset & ~3 == 0 || originHz == 0 { originHz = tickHz }
        scheduleInterrupt()
    }

    /// When a sleeping core (WFI) would be woken by this timer, if it would.
    var nextWakeTime: DeviceTime? {
        guard enabled, interruptEnabled else { return nil }
        return nextInterruptTime == .never ? nil : nextInterruptTime
    }
}

extension DeviceTime {
    public static let never = DeviceTime(picoseconds: .max)
}
