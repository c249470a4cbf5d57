import CortexM
import NORFlash
import VirtualTime

/// One OCTOSPI controller (RM0456 §27), registers at 0x420D_1400 (OCTOSPI1) or
/// 0x420D_2400 (OCTOSPI2); gated by RCC_AHB2ENR2.OCTOSPInEN.
///
/// Modes (CR.FMODE): indirect write, indirect read, automatic status polling,
/// memory-mapped. Each transfer is one `SPITransaction` handed to the `FlashSignalPath`
/// and costs its bus clocks plus nCS high time (DCR1.CSHT + 1) at
/// FCLK = kernel / (DCR2.PRESCALER + 1).
///
/// Modeling choices (see the reference §B.2):
/// - No data phase: starts on the IR write when ADMODE = 000, else on the AR write.
/// - Indirect read / auto-polling: starts on AR (ADMODE ≠ 0) or IR (ADMODE = 0).
/// - Indirect write: starts with the first DR write; the transaction goes out when
///   DLR + 1 bytes have been pushed.
/// - The whole indirect read is fetched at start; the 32-byte FIFO then shows
///   min(32, bytes left); TCF is set once everything left fits in the FIFO; BUSY clears
///   when the FIFO is empty.
/// - Memory-mapped: BUSY = 1 from the first window access until ABORT (or, with
///   CR.TCEN = 1, until LPTR clocks have elapsed since the last access).
/// - ABORT stops the operation, flushes the FIFO, sets TCF and leaves FMODE as it is
///   (the RM describes ABORT as aborting the command sequence; changing mode is a CR write).
/// - Interrupts and DMA are not modeled.
public final class OCTOSPI: Peripheral, GatedRegisterBlock {
    public let name: String
    public let instance: Int

    public enum Offset {
        public static let cr: UInt32 = 0x000, dcr1: UInt32 = 0x008, dcr2: UInt32 = 0x00C, dcr3: UInt32 = 0x010, dcr4: UInt32 = 0x014
        public static let sr: UInt32 = 0x020, fcr: UInt32 = 0x024, dlr: UInt32 = 0x040, ar: UInt32 = 0x048, dr: UInt32 = 0x050
        public static let psmkr: UInt32 = 0x080, psmar: UInt32 = 0x088, pir: UInt32 = 0x090
        public static let ccr: UInt32 = 0x100, tcr: UInt32 = 0x108, ir: UInt32 = 0x110, abr: UInt32 = 0x120, lptr: UInt32 = 0x130
        public static let wpccr: UInt32 = 0x140, wptcr: UInt32 = 0x148, wpir: UInt32 = 0x150, wpabr: UInt32 = 0x160
        public static let wccr: UInt32 = 0x180, wtcr: UInt32 = 0x188, wir: UInt32 = 0x190, wabr: UInt32 = 0x1A0, hlcr: UInt32 = 0x200
    }

    public static let registerNames: [UInt32: String] = [
        Offset.cr: "CR", Offset.dcr1: "DCR1", Offset.dcr2: "DCR2", Offset.dcr3: "DCR3", Offset.dcr4: "DCR4",
        Offset.sr: "SR", Offset.fcr: "FCR", Offset.dlr: "DLR", Offset.ar: "AR", Offset.dr: "DR",
        Offset.psmkr: "PSMKR", Offset.psmar: "PSMAR", Offset.pir: "PIR", Offset.ccr: "CCR", Offset.tcr: "TCR",
        Offset.ir: "IR", Offset.abr: "ABR", Offset.lptr: "LPTR", Offset.wpccr: "WPCCR", Offset.wptcr: "WPTCR",
        Offset.wpir: "WPIR", Offset.wpabr: "WPABR", Offset.wccr: "WCCR", Offset.wtcr: "WTCR", Offset.wir: "WIR",
        Offset.wabr: "WABR", Offset.hlcr: "HLCR",
    ]

    public static let fifoBytes = 32
    /// CR fields that can change only while BUSY = 0: FMODE, PMM, APMS, FTHRES, FSEL, DMM, TCEN.
    static let busyProtectedCR: UInt32 = 0x30C0_1FC8
    /// Safety bound on auto-poll iterations per start (each iteration jumps the clock).
    static let maxPollIterations = 10_000

    enum Activity {
        case idle
        case indirectWrite(address: UInt32, expected: Int, bytes: [UInt8])
        case indirectRead(data: [UInt8], next: Int)
        case polling(matched: Bool)
        case memoryMapped(lastAccess: DeviceTime)
    }

    let gate: ClockGate
    let log: SoCEventLog
    let clock: VirtualClock
    /// Every register but the wrap (WPxxx) and HyperBus (HLCR) ones.
    let boundary: ModelBoundary
    var regs = RegisterWords()
    var activity = Activity.idle
    var tef = false, tcf = false, smf = false, ftfPolled = false
    var lastStatus: UInt32 = 0
    /// Polls issued by the last auto-polling run, counted even when the clock jumped.
    public internal(set) var pollCount: UInt64 = 0
    /// When the current auto-polling run started, and the time of one poll (transfer + PIR gap).
    var pollStarted: DeviceTime = .zero
    var pollPeriod: DeviceTime = .zero
    private var lastReportedFCLK: UInt64 = 0

    var signalPath: FlashSignalPath?
    var kernelClock: () -> (hz: UInt64, source: String) = { (0, "none") }
    /// Told about every delivered indirect command that is not a read (it may change the flash).
    var onFlashMayChange: () -> Void = {}
    /// The bytes a bus window moves (`OCTOSPIBusWindow.swift`).
    let windowBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: OCTOSPI.windowBytes)

    init(instance: Int, clock: VirtualClock, log: SoCEventLog, gate: ClockGate) {
        self.instance = instance
        self.name = "OCTOSPI\(instance)"
        self.clock = clock
        self.log = log
        self.gate = gate
        let unmodeled: Set<UInt32> = [Offset.wpccr, Offset.wptcr, Offset.wpir, Offset.wpabr, Offset.hlcr]
        boundary = ModelBoundary(peripheral: "OCTOSPI\(instance)", log: log,
                                 modeled: OCTOSPI.registerNames.keys.filter { !unmodeled.contains($0) })
    }

    deinit { windowBuffer.deallocate() }

    func reset() {
        regs = RegisterWords()
        boundary.atReset = true
        activity = .idle
        tef = false; tcf = false; smf = false; ftfPolled = false
        lastStatus = 0
        pollCount = 0
    }

    // MARK: fields

    public func register(_ offset: UInt32) -> UInt32 { regs[offset] }
    public var cr: UInt32 { register(Offset.cr) }
    public var isEnabled: Bool { cr & 1 != 0 }
    public var fmode: UInt32 { (cr >> 28) & 3 }
    var fsel: Bool { cr & (1 << 7) != 0 }
    var fifoThreshold: Int { Int((cr >> 8) & 0x1F) + 1 }
    /// 2^(DEVSIZE + 1) bytes (DCR1 b20:16).
    public var deviceBytes: UInt64 { UInt64(1) << UInt64(RegisterAccess.field(register(Offset.dcr1), 16, 5) + 1) }
    var prescaler: UInt64 { UInt64(register(Offset.dcr2) & 0xFF) + 1 }
    /// FCLK = kernel / (DCR2.PRESCALER + 1): the clock the delay block sees.
    public var fclkHz: UInt64 { kernelClock().hz / prescaler }
    var csHighClocks: UInt64 { UInt64(RegisterAccess.field(register(Offset.dcr1), 8, 6)) + 1 }
    var command: OCTOSPICommand {
        OCTOSPICommand(ccr: register(Offset.ccr), tcr: register(Offset.tcr), ir: register(Offset.ir), abr: register(Offset.abr))
    }
    var writeCommand: OCTOSPICommand {
        OCTOSPICommand(ccr: register(Offset.wccr), tcr: register(Offset.wtcr), ir: register(Offset.wir), abr: register(Offset.wabr))
    }

    public var isBusy: Bool {
        switch activity {
        case .idle: return false
        case .indirectWrite, .polling: return true
        case .indirectRead(let data, let next): return next < data.count
        case .memoryMapped(let last):
            if cr & (1 << 3) != 0 {
                let timeout = UInt64(register(Offset.lptr) & 0xFFFF)
                let hz = kernelClock().hz
                return hz == 0 || clock.now < last + DeviceTime.cycles(timeout * prescaler, atHertz: hz)
            }
            return true
        }
    }

    public var fifoLevel: Int {
        if case .indirectRead(let data, let next) = activity { return min(OCTOSPI.fifoBytes, data.count - next) }
        return 0
    }

    public var status: UInt32 {
        if case .indirectRead(let data, let next) = activity, data.count - next <= OCTOSPI.fifoBytes { tcf = true }
        if case .memoryMapped = activity, !isBusy { activity = .idle }
        let ftf: Bool
        switch activity {
        case .indirectRead(let data, let next) where next < data.count:
            ftf = fifoLevel >= fifoThreshold || (tcf && fifoLevel > 0)
        case .polling: ftf = ftfPolled
        case .memoryMapped: ftf = false
        default:
            // Indirect write: the FIFO's free space (all 32 bytes: pushed bytes go straight
            // out in this model) is at least the threshold, so FTF = 1 even before the first
            // DR write; HAL_OSPI_Transmit waits for it before every byte. Only with EN = 1,
            // so SR keeps its 0x0000_0000 reset value.
            ftf = fmode == 0 && isEnabled
        }
        var v: UInt32 = 0
        if tef { v |= 1 }
        if tcf { v |= 2 }
        if ftf { v |= 4 }
        if smf { v |= 8 }
        if isBusy { v |= 1 << 5 }
        v |= UInt32(fifoLevel) << 8
        return v
    }

    // MARK: bus

    func registerName(at offset: UInt32) -> String { OCTOSPI.registerNames[offset].map { "\(name)_\($0)" } ?? "\(name)+0x\(String(offset, radix: 16))" }

    func readRegister(offset: UInt32, width: AccessWidth) -> UInt32 {
        let reg = offset & ~3
        switch reg {
        case Offset.sr:
            waitOnStuckDevice()
            return RegisterAccess.extract(status, offset: offset, width: width)
        case Offset.fcr: return 0
        case Offset.dr: return readData(width: width)
        case Offset.cr: return RegisterAccess.extract(cr & ~2, offset: offset, width: width)
        default: return RegisterAccess.extract(register(reg), offset: offset, width: width)
        }
    }

    func writeRegister(offset: UInt32, width: AccessWidth, value: UInt32) {
        let reg = offset & ~3
        let new = RegisterAccess.merge(old: register(reg), offset: offset, width: width, value: value)
        switch reg {
        case Offset.cr: writeCR(new, value: value)
        case Offset.sr: return
        case Offset.fcr:
            if new & 1 != 0 { tef = false }
            if new & 2 != 0 { tcf = false }
            if new & 8 != 0 { smf = false }
        case Offset.dr: writeData(value: value, width: width)
        case Offset.ar, Offset.ir:
            if fmode == 3 {
                ignore(reg, value, .memoryMapped)
                return
            }
            if isBusy {
                ignore(reg, value, .busy)
                return
            }
            regs[reg] = new
            maybeStart(after: reg)
        default:
            if isBusy {
                ignore(reg, value, .busy)
                return
            }
            regs[reg] = new
        }
    }

    private func ignore(_ reg: UInt32, _ value: UInt32, _ reason: IgnoredWriteReason) {
        log.record(.ignoredWrite(peripheral: name, register: registerName(at: reg), value: value, reason: reason))
    }

    private func writeCR(_ requested: UInt32, value: UInt32) {
        var new = requested
        if isBusy, (new ^ cr) & OCTOSPI.busyProtectedCR != 0 {
            ignore(Offset.cr, value, .busy)
            new = (new & ~OCTOSPI.busyProtectedCR) | (cr & OCTOSPI.busyProtectedCR)
        }
        let abort = new & 2 != 0
        regs[Offset.cr] = new & ~2
        if abort {
            activity = .idle
            tcf = true
            ftfPolled = false
            log.record(.abort(instance: instance, fmode: fmode))
        }
    }

    // MARK: transfers

    /// Time one transaction occupies the bus, or nil without a kernel clock.
    func duration(of t: SPITransaction) -> DeviceTime? {
        duration(of: t, kernel: kernelClock())
    }

    /// The transfer time at `kernel` (one reading of the kernel clock serves a whole transaction).
    func duration(of t: SPITransaction, kernel: (hz: UInt64, source: String)) -> DeviceTime? {
        guard kernel.hz > 0 else {
            log.record(.noKernelClock(instance: instance, source: kernel.source))
            return nil
        }
        return DeviceTime.cycles((t.busClocks + csHighClocks) * prescaler, atHertz: kernel.hz)
    }

    /// Puts `t` on the wires: advances the clock, then lets the flash see chip select rise.
    func perform(_ t: SPITransaction, memoryMappedRead: Bool = false) -> FlashSignalPath.Outcome? {
        perform(t, memoryMappedRead: memoryMappedRead, kernel: kernelClock())
    }

    /// `perform` with the kernel clock already read at this instant.
    func perform(_ t: SPITransaction, memoryMappedRead: Bool = false, kernel: (hz: UInt64, source: String)) -> FlashSignalPath.Outcome? {
        guard let d = duration(of: t, kernel: kernel) else { return nil }
        let fclk = kernel.hz / prescaler
        if fclk != lastReportedFCLK {
            lastReportedFCLK = fclk
            log.record(.busClock(instance: instance, fclkHz: fclk, kernelSource: kernel.source, kernelHz: kernel.hz))
        }
        clock.advance(by: d)
        guard let path = signalPath else { return FlashSignalPath.Outcome(data: [], delivered: false) }
        return path.exchange(instance: instance, fsel: fsel, t, at: clock.now, memoryMappedRead: memoryMappedRead, fclkHz: fclk)
    }

    /// Longest indirect transfer materialized at once (one `SPITransaction` holds all its
    /// data); longer ones (DLR near 4 GiB with a huge DEVSIZE) are cut here rather than
    /// exhausting host memory.
    public static let maxTransferBytes: UInt64 = 64 << 20

    private func dataLength(address: UInt32) -> Int {
        let dlr = register(Offset.dlr)
        let wanted = dlr == 0xFFFF_FFFF
            ? deviceBytes &- min(UInt64(address), deviceBytes)
            : min(UInt64(dlr) + 1, deviceBytes)
        return Int(min(wanted, OCTOSPI.maxTransferBytes))
    }

    /// TEF for an indirect access beyond DEVSIZE (RM0456 OCTOSPI_SR.TEF).
    private func addressInvalid(_ cmd: OCTOSPICommand) -> Bool {
        let address = register(Offset.ar)
        guard cmd.hasAddress, UInt64(address) >= deviceBytes else { return false }
        tef = true
        log.record(.transferError(instance: instance, address: address, deviceBytes: deviceBytes))
        return true
    }

    private func maybeStart(after reg: UInt32) {
        let cmd = command
        let trigger = cmd.hasAddress ? Offset.ar : Offset.ir
        guard reg == trigger else { return }
        // Indirect write with data waits for DR.
        if fmode == 0, cmd.hasData { return }
        guard isEnabled else {
            log.record(.transferNotStarted(instance: instance, register: OCTOSPI.registerNames[reg] ?? "", reason: "CR.EN=0"))
            return
        }
        switch fmode {
        case 0, 1:
            if addressInvalid(cmd) { return }
            guard cmd.hasData else {
                let t = cmd.transaction(address: register(Offset.ar), direction: .none)
                if let outcome = perform(t) {
                    tcf = true
                    if outcome.delivered { onFlashMayChange() }
                }
                return
            }
            let count = dataLength(address: register(Offset.ar))
            let t = cmd.transaction(address: register(Offset.ar), direction: .read(count: count))
            guard let outcome = perform(t) else { return }
            activity = .indirectRead(data: outcome.data, next: 0)
        case 2:
            guard cmd.hasData else {
                log.record(.transferNotStarted(instance: instance, register: OCTOSPI.registerNames[reg] ?? "", reason: "auto-polling needs a data phase (CCR.DMODE=000)"))
                return
            }
            autoPoll()
        default: break
        }
    }

    private func writeData(value: UInt32, width: AccessWidth) {
        guard fmode == 0 else { return }
        if case .indirectWrite = activity {
            appendWrite(value: value, width: width)
        } else if !isBusy {
            guard isEnabled else {
                log.record(.transferNotStarted(instance: instance, register: "DR", reason: "CR.EN=0"))
                return
            }
            let cmd = command
            guard cmd.hasData else { return }
            if addressInvalid(cmd) { return }
            let address = register(Offset.ar)
            activity = .indirectWrite(address: address, expected: dataLength(address: address), bytes: [])
            appendWrite(value: value, width: width)
        }
    }

    /// Pushes the access's bytes (low byte first) into the pending write; the transaction
    /// goes out when DLR + 1 bytes are there. Runs once per DR write: no allocation but
    /// the page buffer's own.
    private func appendWrite(value: UInt32, width: AccessWidth) {
        guard case .indirectWrite(let address, let expected, var bytes) = activity else { return }
        // Drop the activity's reference first, so the append does not copy the page so far.
        activity = .idle
        if bytes.isEmpty { bytes.reserveCapacity(min(expected, 4096)) }
        for i in 0..<min(width.rawValue, expected - bytes.count) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * i)))
        }
        guard bytes.count == expected else {
            activity = .indirectWrite(address: address, expected: expected, bytes: bytes)
            return
        }
        let t = command.transaction(address: address, direction: .write(bytes))
        if let outcome = perform(t) {
            tcf = true
            if outcome.delivered { onFlashMayChange() }
        }
    }

    private func readData(width: AccessWidth) -> UInt32 {
        switch activity {
        case .indirectRead(let data, let next) where next < data.count:
            let n = min(width.rawValue, data.count - next)
            var v: UInt32 = 0
            for i in 0..<n { v |= UInt32(data[next + i]) << UInt32(8 * i) }
            activity = .indirectRead(data: data, next: next + n)
            if next + n >= data.count { tcf = true }
            return v
        case .polling:
            return RegisterAccess.extract(lastStatus, offset: 0, width: width)
        default:
            log.record(.dataRegisterReadEmpty(instance: instance))
            return 0
        }
    }

}
