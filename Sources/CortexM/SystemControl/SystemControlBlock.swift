import CUnicorn

/// The System Control Block (0xE000_ED00; ARMv8-M ARM D1.2, CMSIS `core_cm33.h` SCB_Type).
/// Reset values: CPUID 0x410F_D214 (Cortex-M33 r0p4), AIRCR reads VECTKEYSTAT 0xFA05,
/// CCR 0x0000_0201 (STKALIGN and bit 0 read as one on ARMv8-M [MEM: Cortex-M33 TRM]),
/// everything else 0. VTOR's reset value is set by the SoC (the STM32U5 boot address).
public final class SystemControlBlock {
    public static let cpuidCortexM33r0p4: UInt32 = 0x410F_D214

    public var cpuid: UInt32 = SystemControlBlock.cpuidCortexM33r0p4
    public var vtor: UInt32 = 0
    public private(set) var priorityGrouping: UInt32 = 0
    public private(set) var scr: UInt32 = 0
    public private(set) var ccr: UInt32 = 0x0000_0201
    /// SHPR1–SHPR3 as bytes: index = exception number − 4.
    public private(set) var systemPriority = [UInt8](repeating: 0, count: 12)
    public private(set) var shcsr: UInt32 = 0
    public internal(set) var cfsr: UInt32 = 0
    public internal(set) var hfsr: UInt32 = 0
    public internal(set) var dfsr: UInt32 = 0
    public internal(set) var mmfar: UInt32 = 0
    public internal(set) var bfar: UInt32 = 0
    public private(set) var afsr: UInt32 = 0
    public private(set) var cpacr: UInt32 = 0
    public private(set) var nsacr: UInt32 = 0
    var pendSVPending: Bool {
        get { signals.storage.pointee.pendSVPending }
        set { signals.storage.pointee.pendSVPending = newValue }
    }
    var nmiPending: Bool {
        get { signals.storage.pointee.nmiPending }
        set { signals.storage.pointee.nmiPending = newValue }
    }
    var resetRequested = false
    private let log: EventLog
    private unowned let sysTick: SysTick
    private let signals: ExceptionSignals

    init(log: EventLog, sysTick: SysTick, signals: ExceptionSignals) {
        self.log = log
        self.sysTick = sysTick
        self.signals = signals
    }

    /// CP10 access field (bits 21:20): 0b00 denies FP instructions; 0b01 allows privileged
    /// code (a loader runs privileged); 0b11 allows all.
    var floatingPointAllowed: Bool {
        let cp10 = (cpacr >> 20) & 3
        let cp11 = (cpacr >> 22) & 3
        return (cp10 == 1 || cp10 == 3) && (cp11 == 1 || cp11 == 3)
    }

    /// `offset` is from 0xE000_ED00, word aligned.
    func read(offset: UInt32) -> UInt32? {
        switch offset {
        case 0x00: return cpuid
        case 0x04:
            var icsr: UInt32 = 0
            if sysTick.pending { icsr |= 1 << 26 }
            if pendSVPending { icsr |= 1 << 28 }
            if nmiPending { icsr |= 1 << 31 }
            return icsr
        case 0x08: return vtor
        case 0x0C: return 0xFA05_0000 | priorityGrouping << 8
        case 0x10: return scr
        case 0x14: return ccr
        case 0x18, 0x1C, 0x20:
            let base = Int(offset - 0x18)
            return UInt32(systemPriority[base]) | UInt32(systemPriority[base + 1]) << 8
                | UInt32(systemPriority[base + 2]) << 16 | UInt32(systemPriority[base + 3]) << 24
        case 0x24: return shcsr
        case 0x28: return cfsr
        case 0x2C: return hfsr
        case 0x30: return dfsr
        case 0x34: return mmfar
        case 0x38: return bfar
        case 0x3C: return afsr
        case 0x40..<0x80: return 0  // ID_PFR0 … ID_ISAR: feature identification, not modeled
        case 0x88: return cpacr
        case 0x8C: return nsacr
        default: return nil
        }
    }

    /// Returns false for an offset this block does not implement.
    func write(offset: UInt32, value: UInt32, mask: UInt32) -> Bool {
        let merged = { (old: UInt32) in (old & ~mask) | (value & mask) }
        switch offset {
        case 0x00:
            log.record(.writeIgnored(register: "SCB CPUID", value: value, why: "read-only"))
        case 0x04:
            let v = value & mask
            if v & (1 << 26) != 0 { sysTick.pending = true; log.record(.exceptionPended(number: 15, name: "SysTick")) }
            if v & (1 << 25) != 0 { sysTick.pending = false }
            if v & (1 << 28) != 0 { pendSVPending = true; log.record(.exceptionPended(number: 14, name: "PendSV")) }
            if v & (1 << 27) != 0 { pendSVPending = false }
            if v & (1 << 31) != 0 { nmiPending = true; log.record(.exceptionPended(number: 2, name: "NMI")) }
        case 0x08:
            vtor = merged(vtor) & 0xFFFF_FF80
            log.record(.vtorWritten(vtor))
        case 0x0C:
            guard mask == 0xFFFF_FFFF, value >> 16 == 0x05FA else {
                log.record(.writeIgnored(register: "SCB AIRCR", value: value, why: "VECTKEY (bits 31:16) must be 0x05FA"))
                return true
            }
            priorityGrouping = (value >> 8) & 7
            if value & (1 << 2) != 0 {
                resetRequested = true
                log.record(.resetRequested(aircr: value))
            }
        case 0x10: scr = merged(scr) & 0x1E
        case 0x14: ccr = (merged(ccr) & 0x0007_071A) | 0x0000_0201
        case 0x18, 0x1C, 0x20:
            let base = Int(offset - 0x18)
            for lane in 0..<4 where mask & (0xFF << (lane * 8)) != 0 {
                systemPriority[base + lane] = UInt8(truncatingIfNeeded: value >> (lane * 8))
            }
        case 0x24: shcsr = merged(shcsr)
        case 0x28: cfsr &= ~(value & mask)  // write one to clear
        case 0x2C: hfsr &= ~(value & mask)
        case 0x30: dfsr &= ~(value & mask)
        case 0x34: mmfar = merged(mmfar)
        case 0x38: bfar = merged(bfar)
        case 0x3C: afsr = merged(afsr)
        case 0x88:
            let old = cpacr
            cpacr = merged(cpacr) & 0x00F0_0000
            log.record(.cpacrWritten(old: old, new: cpacr))
        case 0x8C: nsacr = merged(nsacr) & 0x0000_0C00
        default: return false
        }
        return true
    }

    /// Priority byte of a system exception (4…15).
    func priority(ofSystemException number: Int) -> UInt8 {
        number >= 4 && number < 16 ? systemPriority[number - 4] : 0
    }

    // MARK: fault status, as the silicon sets it when it takes the fault

    func recordUsageFault(bit: UInt32) {
        cfsr |= 1 << (16 + bit)
        if shcsr & (1 << 18) == 0 { hfsr |= 1 << 30 }  // USGFAULTENA clear: escalates, HFSR.FORCED
    }

    func recordBusFault(address: UInt32?, instructionFetch: Bool) {
        if instructionFetch {
            cfsr |= 1 << 8  // IBUSERR
        } else {
            cfsr |= 1 << 9  // PRECISERR
            if let address {
                cfsr |= 1 << 15  // BFARVALID
                bfar = address
            }
        }
        if shcsr & (1 << 17) == 0 { hfsr |= 1 << 30 }
    }
}
