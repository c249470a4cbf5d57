import Board
import CortexM
import NORFlash
import VirtualTime

/// An STM32U5 family member as LoaderLab models it, built from its `MCUDescription`: RCC,
/// PWR, FLASH interface, GPIOA-J, the OCTOSPIs it has with their memory windows and delay
/// blocks, the OCTOSPIM if it has one, ICACHE and DCACHE1, one event trace, and the flash
/// behind the board's wiring. A peripheral the member lacks (OCTOSPI2, OCTOSPIM on a U545)
/// or that the lab does not model (HSPI1) is a `MissingPeripheral` that reports access.
///
/// ```
///   CPU ─► OCTOSPIn regs ─► SPITransaction ─► FlashSignalPath (OCTOSPIM PCR, GPIO AF) ─► SPIDevice
///   CPU ─► window 0x9000_0000 ─► [DCACHE1] ─┘                    (DLYB_OCTOSPIn: DTR sampling)
/// ```
public typealias STM32U5G7 = STM32U5SoC

public final class STM32U5SoC {
    public struct MMIORegion {
        public let name: String
        public let base: UInt32
        public let size: UInt32
        public let peripheral: Peripheral
    }

    public let board: Board
    public let mcu: MCUDescription
    public let clock: VirtualClock
    public let log: SoCEventLog
    public let rcc: RCC
    public let pwr: PWR
    public let flashInterface: FlashInterface
    /// GPIOA … GPIOJ.
    public let gpio: [GPIOPort]
    public let octospim: OCTOSPIM
    /// OCTOSPI1 and OCTOSPI2 models; OCTOSPI2 is not mapped where the member lacks it.
    public let octospi1: OCTOSPI
    public let octospi2: OCTOSPI
    public let window1: OCTOSPIWindow
    public let window2: OCTOSPIWindow
    public let delayBlock1: DelayBlock
    public let delayBlock2: DelayBlock
    public let icache: ICACHE
    public let dcache1: DCACHE
    public let signalPath: FlashSignalPath
    /// Every block to map, at its non-secure address and its secure alias (+0x1000_0000),
    /// then the two memory windows (not aliased).
    public private(set) var mmioRegions: [MMIORegion] = []

    /// Shortcuts that give the same results as the plain models, faster: the signal path
    /// reuses its routing verdict while no register it reads has changed. Off only for the
    /// exactness tests that compare both.
    public var fastPaths = true {
        didSet { signalPath.reusesRouting = fastPaths }
    }

    /// The state the timing rules last reported, so each problem is recorded once.
    private var lastTimingProblems: [SoCEvent] = []

    /// - Parameter permissive: `identify`'s wiring: the flash answers on whatever pins the
    ///   loader routes, as long as the MCU's pin table lets them carry the signal.
    public init(board: Board, flash: SPIDevice, clock: VirtualClock, permissive: Bool = false) {
        self.board = board
        self.mcu = board.mcuDescription
        self.clock = clock
        let log = SoCEventLog(clock: clock)
        self.log = log
        let rcc = RCC(clock: clock, log: log)
        rcc.hseHz = UInt64(board.clock.hseHz ?? 0)
        self.rcc = rcc
        func gate(_ offset: UInt32, _ bit: Int, _ name: String) -> ClockGate {
            ClockGate(bitName: name) { rcc.isEnabled(offset, bit: bit) }
        }
        pwr = PWR(clock: clock, log: log, gate: gate(RCC.Offset.ahb3enr, 2, "RCC_AHB3ENR.PWREN"))
        flashInterface = FlashInterface(log: log)
        gpio = (0..<10).map { n in
            let letter = Character(UnicodeScalar(UInt8(65 + n)))
            return GPIOPort(index: n, log: log, gate: gate(RCC.Offset.ahb2enr1, n, "RCC_AHB2ENR1.GPIO\(letter)EN"))
        }
        octospim = OCTOSPIM(log: log, gate: gate(RCC.Offset.ahb2enr1, 21, "RCC_AHB2ENR1.OCTOSPIMEN"))
        octospi1 = OCTOSPI(instance: 1, clock: clock, log: log, gate: gate(RCC.Offset.ahb2enr2, 4, "RCC_AHB2ENR2.OCTOSPI1EN"))
        octospi2 = OCTOSPI(instance: 2, clock: clock, log: log, gate: gate(RCC.Offset.ahb2enr2, 8, "RCC_AHB2ENR2.OCTOSPI2EN"))
        icache = ICACHE(log: log)
        dcache1 = DCACHE(log: log, gate: gate(RCC.Offset.ahb1enr, 30, "RCC_AHB1ENR.DCACHE1EN"))
        window1 = OCTOSPIWindow(octospi: octospi1, base: 0x9000_0000, dcache: dcache1)
        window2 = OCTOSPIWindow(octospi: octospi2, base: 0x7000_0000, dcache: dcache1)
        delayBlock1 = DelayBlock(instance: 1, clock: clock, log: log)
        delayBlock2 = DelayBlock(instance: 2, clock: clock, log: log)
        signalPath = FlashSignalPath(board: board, mcu: board.mcuDescription, permissive: permissive, device: flash,
                                     gpio: gpio, octospim: octospim, pwr: pwr, log: log)
        wire()
    }

    private func wire() {
        for o in [octospi1, octospi2] {
            o.signalPath = signalPath
            o.kernelClock = { [unowned rcc] in rcc.octospiKernel }
            o.onFlashMayChange = { [unowned dcache1] in dcache1.flashMayHaveChanged() }
        }
        octospim.enabledOCTOSPI = { [unowned octospi1, unowned octospi2] in
            octospi1.isEnabled ? octospi1.name : (octospi2.isEnabled ? octospi2.name : nil)
        }
        for (block, o) in [(delayBlock1, octospi1), (delayBlock2, octospi2)] {
            block.inputHz = { [unowned o] in o.isEnabled ? o.fclkHz : 0 }
        }
        rcc.onReset = { [unowned self] line in
            switch line {
            case .gpio(let n): if n < gpio.count { gpio[n].reset() }
            case .octospim: octospim.reset()
            case .octospi(let n):
                (n == 1 ? octospi1 : octospi2).reset()
                (n == 1 ? delayBlock1 : delayBlock2).reset()
            }
        }
        rcc.onClocksChanged = { [unowned self] in checkTiming() }
        pwr.onChanged = { [unowned self] in checkTiming() }
        flashInterface.onChanged = { [unowned self] in checkTiming() }

        var regions: [MMIORegion] = []
        func add(_ name: String, _ base: UInt32, _ p: Peripheral) {
            regions.append(MMIORegion(name: name, base: base, size: 0x400, peripheral: p))
            regions.append(MMIORegion(name: name + " (secure)", base: base + 0x1000_0000, size: 0x400, peripheral: p))
        }
        func missing(_ name: String, _ base: UInt32, unmodelled: Bool) -> Peripheral {
            MissingPeripheral(name: name, kind: unmodelled ? .unmodelled : .absent(mcu: mcu.line), base: base, log: log)
        }
        func addPresent(_ name: String, _ base: UInt32, _ present: Bool, _ p: Peripheral) {
            add(name, base, present ? p : missing(name, base, unmodelled: false))
        }
        add("FLASH", 0x4002_2000, flashInterface)
        add("ICACHE", 0x4003_0400, icache)
        add("DCACHE1", 0x4003_1400, dcache1)
        for (n, port) in gpio.enumerated() { add(port.name, 0x4202_0000 + UInt32(n) * 0x400, port) }
        addPresent("OCTOSPIM", 0x420C_4000, mcu.hasOCTOSPIM, octospim)
        addPresent("DLYB_OCTOSPI1", 0x420C_F000, mcu.delayBlocks.contains(1), delayBlock1)
        addPresent("DLYB_OCTOSPI2", 0x420C_F400, mcu.delayBlocks.contains(2), delayBlock2)
        addPresent("OCTOSPI1", 0x420D_1400, mcu.octospiInstances.contains(1), octospi1)
        addPresent("OCTOSPI2", 0x420D_2400, mcu.octospiInstances.contains(2), octospi2)
        add("HSPI1", 0x420D_3400, missing("HSPI1", 0x420D_3400, unmodelled: mcu.hasHSPI1))
        add("PWR", 0x4602_0800, pwr)
        add("RCC", 0x4602_0C00, rcc)
        if mcu.octospiInstances.contains(2) {
            regions.append(MMIORegion(name: "OCTOSPI2 memory", base: 0x7000_0000, size: OCTOSPIWindow.size, peripheral: window2))
        }
        regions.append(MMIORegion(name: "OCTOSPI1 memory", base: 0x9000_0000, size: OCTOSPIWindow.size, peripheral: window1))
        if mcu.hasHSPI1 {
            regions.append(MMIORegion(name: "HSPI1 memory", base: 0xA000_0000, size: OCTOSPIWindow.size,
                                      peripheral: missing("HSPI1", 0xA000_0000, unmodelled: true)))
        }
        regions += STM32U5G7.unmodeledSpace(around: regions, log: log)
        mmioRegions = regions
    }

    /// FLASH_ACR.LATENCY against HCLK and the voltage range (RM0456 wait-state table), and
    /// HCLK against the range's maximum; each new problem is recorded once.
    func checkTiming() {
        let hz = rcc.hclkHz
        let range = pwr.voltageRange
        var problems: [SoCEvent] = []
        if let needed = FlashLatencyTable.requiredWaitStates(hclkHz: hz, range: range) {
            if flashInterface.latency < needed {
                problems.append(.flashLatencyTooLow(hclkHz: hz, vosRange: range, latency: flashInterface.latency, required: needed))
            }
        } else {
            problems.append(.sysclkAboveVoltageRange(hclkHz: hz, vosRange: range, maximumHz: FlashLatencyTable.maximumHz(range: range)))
        }
        for p in problems where !lastTimingProblems.contains(p) { log.record(p) }
        lastTimingProblems = problems
    }

    /// Hands over and forgets the events recorded so far.
    public func drainEvents() -> [Timestamped<SoCEvent>] { log.drain() }

    /// A programmer's read of `count` bytes at `address` over the debug port (not the CPU),
    /// through the same memory-mapped path (and DCACHE1), one read transaction per 1 KiB. Outside an OCTOSPI window, or when
    /// that OCTOSPI is not in memory-mapped mode, the AHB access ends in a bus error, which
    /// the debug port reports as a failed read: `.failure`.
    public func debugRead(address: UInt32, count: Int) -> Result<[UInt8], DebugReadError> {
        guard count >= 0 else { return .failure(.badLength(count)) }
        let window: OCTOSPIWindow
        if address >= window1.base, UInt64(address) + UInt64(count) <= UInt64(window1.base) + UInt64(OCTOSPIWindow.size) {
            window = window1
        } else if address >= window2.base, UInt64(address) + UInt64(count) <= UInt64(window2.base) + UInt64(OCTOSPIWindow.size) {
            window = window2
        } else {
            return .failure(.outsideWindows(address: address, count: count))
        }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var offset = address - window.base
        while out.count < count {
            // The debug port streams sequential words; the OCTOSPI keeps one read going
            // (prefetch), modeled as one transaction per 1 KiB.
            let n = min(1024 - Int(offset & 1023), count - out.count)
            guard let bytes = window.readBytes(offset: offset, count: n) else {
                return .failure(.busError(address: window.base &+ offset, instance: window.octospi.instance))
            }
            out.append(contentsOf: bytes)
            offset &+= UInt32(n)
        }
        return .success(out)
    }
}

/// Why a debug-port read of an OCTOSPI window failed.
public enum DebugReadError: Error, Equatable, CustomStringConvertible {
    case badLength(Int)
    case outsideWindows(address: UInt32, count: Int)
    /// The AHB access ended in a bus error: the OCTOSPI is off, not in memory-mapped mode,
    /// or the address lies beyond DEVSIZE (the SoC events say which).
    case busError(address: UInt32, instance: Int)

    public var description: String {
        switch self {
        case .badLength(let n): "debug read of \(n) bytes"
        case let .outsideWindows(a, n): "0x\(hex(a)) + \(n) bytes is not inside an OCTOSPI memory window"
        case let .busError(a, i): "AHB bus error reading 0x\(hex(a)): OCTOSPI\(i) is not serving memory-mapped reads"
        }
    }
}
