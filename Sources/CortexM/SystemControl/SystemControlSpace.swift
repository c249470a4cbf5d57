import CUnicorn
import VirtualTime

/// The System Control Space, 0xE000_E000–0xE000_EFFF, as one bus window (Unicorn maps in
/// 1 KiB pages, so SysTick's 16 bytes cannot be mapped alone):
///
/// ```
///   0xE000_E004 ICTR   0xE000_E008 ACTLR
///   0xE000_E010 SysTick ─────────► SysTick
///   0xE000_E100 NVIC (ISER…IPR) ─► NVIC
///   0xE000_ED00 SCB ─────────────► SystemControlBlock (CPUID…CPACR, NSACR)
///   0xE000_ED90 MPU, 0xE000_EDD0 SAU: registers stored, not enforced
///   0xE000_EDF0 DCB ─────────────► DebugControlBlock
///   0xE000_EF00 STIR; 0xE000_EF34 FPCCR/FPCAR/FPDSCR; 0xE000_EF40 MVFR0–2
/// ```
/// Anything else reads as zero, ignores writes and records `unmodeledSystemRegister`.
public final class SystemControlSpace: Peripheral {
    public static let base: UInt32 = 0xE000_E000
    public let name = "SCS"
    public let sysTick: SysTick
    public let nvic: NVIC
    public let scb: SystemControlBlock
    public let debug: DebugControlBlock
    /// What the machine's block hook reads of these models, in C memory.
    let signals = ExceptionSignals()
    /// MPU, SAU and FPU context registers: stored so that software reads back what it wrote.
    private var stored: [UInt32: UInt32] = [
        0xD90: 0x0000_0800,  // MPU_TYPE: 8 regions
        0xF34: 0xC000_0000,  // FPCCR: ASPEN, LSPEN [MEM]
    ]
    private let log: EventLog

    init(clock: VirtualClock, log: EventLog) {
        self.log = log
        sysTick = SysTick(clock: clock, log: log, signals: signals)
        nvic = NVIC(log: log, signals: signals)
        scb = SystemControlBlock(log: log, sysTick: sysTick, signals: signals)
        debug = DebugControlBlock(log: log)
    }

    public func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        let word = offset & ~3
        let value: UInt32
        switch word {
        case 0x004: value = 0x0000_0004  // ICTR.INTLINESNUM: up to 160 interrupts
        case 0x008: value = stored[word] ?? 0
        case 0x010..<0x020: value = sysTick.read(offset: word - 0x010, width: .word, error: &error)
        case 0x100..<0x5F0: value = nvic.read(offset: word - 0x100)
        case 0xD00..<0xD90:
            if let v = scb.read(offset: word - 0xD00) { value = v } else { value = unmodeled(word, write: false) }
        case 0xD90..<0xDF0: value = stored[word] ?? 0
        case 0xDF0..<0xE00: value = debug.read(offset: word - 0xDF0)
        case 0xF34, 0xF38, 0xF3C: value = stored[word] ?? 0
        case 0xF40: value = 0x1011_0021  // MVFR0: single-precision FPv5
        case 0xF44: value = 0x1100_0011  // MVFR1
        case 0xF48: value = 0x0000_0040  // MVFR2
        default: value = unmodeled(word, write: false)
        }
        return lane(of: value, offset: offset, width: width)
    }

    public func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
        let word = offset & ~3
        let mask = laneMask(offset: offset, width: width)
        let positioned = width == .word ? value : value << ((offset & 3) * 8)
        switch word {
        case 0x008: stored[word] = ((stored[word] ?? 0) & ~mask) | (positioned & mask)
        case 0x010..<0x020: sysTick.write(offset: word - 0x010, width: .word, value: positioned, error: &error)
        case 0x100..<0x5F0: nvic.write(offset: word - 0x100, value: positioned, mask: mask)
        case 0xD00..<0xD90:
            if !scb.write(offset: word - 0xD00, value: positioned, mask: mask) { _ = unmodeled(word, write: true) }
        case 0xD90..<0xDF0, 0xF34, 0xF38, 0xF3C:
            stored[word] = ((stored[word] ?? 0) & ~mask) | (positioned & mask)
        case 0xDF0..<0xE00: debug.write(offset: word - 0xDF0, value: positioned, mask: mask)
        case 0xF00: nvic.pend(irq: Int(positioned & 0x1FF))
        default: _ = unmodeled(word, write: true)
        }
    }

    private func unmodeled(_ word: UInt32, write: Bool) -> UInt32 {
        log.record(.unmodeledSystemRegister(address: Self.base + word, write: write))
        return 0
    }

    // MARK: exceptions the machine must take

    static func name(ofException number: Int) -> String {
        switch number {
        case 2: "NMI"
        case 3: "HardFault"
        case 11: "SVCall"
        case 14: "PendSV"
        case 15: "SysTick"
        default: number >= 16 ? "IRQ\(number - 16)" : "exception \(number)"
        }
    }

    /// Whether anything could be pending: the machine's per-block fast check.
    var mayHavePendingException: Bool {
        sysTick.pending || scb.pendSVPending || scb.nmiPending || nvic.pending.contains { $0 != 0 }
    }

    /// The exception the core would take now, given its masking registers. Among several
    /// pending, NMI first, then the lowest exception number (configured priorities are
    /// stored but only used against BASEPRI).
    func exceptionToTake(primask: UInt32, faultmask: UInt32, basepri: UInt32) -> Int? {
        if scb.nmiPending { return 2 }
        guard primask & 1 == 0, faultmask & 1 == 0 else { return nil }
        func unmasked(_ priority: UInt8) -> Bool { basepri & 0xFF == 0 || UInt32(priority) < basepri & 0xFF }
        if scb.pendSVPending, unmasked(scb.priority(ofSystemException: 14)) { return 14 }
        if sysTick.pending, unmasked(scb.priority(ofSystemException: 15)) { return 15 }
        if let irq = nvic.pendingEnabledIRQ(), unmasked(nvic.priority[irq]) { return 16 + irq }
        return nil
    }
}

/// SysTick's next wrap and the pending exceptions, stored where the C block hook reads them
/// (`loaderlab_exception_signals`): the models keep these properties here instead of in
/// themselves, so that the hook never holds a stale copy.
final class ExceptionSignals {
    let storage: UnsafeMutablePointer<loaderlab_exception_signals>

    init() {
        storage = .allocate(capacity: 1)
        storage.initialize(to: loaderlab_exception_signals(sysTickNext: DeviceTime.never.picoseconds, sysTickPending: false,
                                                           pendSVPending: false, nmiPending: false, irqPending: false))
    }

    deinit { storage.deallocate() }
}
