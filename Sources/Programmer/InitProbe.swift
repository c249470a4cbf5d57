import Board
import CortexM
import Foundation
import LoaderFile
import NORFlash
import STM32U5
import VirtualTime

/// What a loader's `Init` did on one simulated board: what `identify` reports and what
/// `flash-part-mismatch` compares. The loader is hosted as the programmer hosts it (its
/// PT_LOAD bytes, BKPT at the RAM base, MSP = end of the download + 0x3FC) on a fresh board
/// with the flash erased.
public struct InitProbe: Sendable {
    /// A pin the loader put in alternate-function mode, and what it carries.
    public struct ObservedPin: Sendable, Hashable {
        public var signal: FlashSignal
        public var pin: Pin
        public var alternateFunction: Int
        public var port: Int
        /// The port signal the pin carries: the flash's own signal, or for a flash on a port's
        /// other nibble the port line (the flash's IO0 on a port's IO4 pin).
        public var portSignal: FlashSignal

        init(signal: FlashSignal, pin: Pin, alternateFunction: Int, port: Int, portSignal: FlashSignal? = nil) {
            self.signal = signal
            self.pin = pin
            self.alternateFunction = alternateFunction
            self.port = port
            self.portSignal = portSignal ?? signal
        }
    }

    public var mcu: String
    public var part: String
    public var permissive: Bool
    public var outcome: CallOutcome
    /// `Init` returned something other than 0 (what the programmer takes as success).
    public var succeeded: Bool
    public var instructions: UInt64
    public var deviceSeconds: Double
    /// RCC enable bits set when `Init` returned that were clear at reset.
    public var clocksEnabled: [String]
    /// Pins that carried a flash signal of a delivered transaction (permissive boards).
    public var pins: [ObservedPin]
    /// The OCTOSPI whose transactions reached the flash.
    public var instance: Int?
    public var sysclkHz: UInt64
    public var flashClockHz: UInt64
    public var commands: [String]
    public var identificationReads: [IdentificationRead]
    /// Peripherals the loader touched that this member lacks / the lab does not model.
    public var absentPeripherals: [String]
    public var unmodelledPeripherals: [String]
    /// The HSE frequency the loader's clock tree assumes, when it ran SYSCLK from HSE (or
    /// PLL1 from HSE) at the end of `Init`: the board's HSE scaled by how far the loader's
    /// `SystemCoreClock` (what `HAL_RCC_ClockConfig` computed from its HSE_VALUE) is from
    /// the HCLK the lab derived; the board's HSE itself where the symbol is absent. Nil when
    /// the loader does not clock from HSE.
    public var hseHz: UInt32?
    /// `hseHz` comes from the loader's `SystemCoreClock` (not only the board's value).
    public var hseFromLoader = false

    /// The first JEDEC ID the loader read, as hex bytes.
    public var jedecID: [UInt8]? { identificationReads.first(where: \.isJEDECID)?.bytes }
    /// The OCTOSPIM port of the flash's chip select (the clock's without one): the board's
    /// `octospi.port`; the other signals may come from the other port.
    public var port: Int? {
        (pins.first { $0.signal == .ncs } ?? pins.first { $0.signal == .clk } ?? pins.first)?.port
    }
    public var isOctal: Bool { FlashSignal.upperData.allSatisfy { s in pins.contains { $0.signal == s } } }
    public var wiresQuadData: Bool { [FlashSignal.io2, .io3].allSatisfy { s in pins.contains { $0.signal == s } } }
    /// Every OCTOSPIM port a pin is on (a clock on one port and a chip select on the other).
    public var ports: [Int] { Array(Set(pins.map(\.port))).sorted() }
}

extension ProgrammerSession {
    /// Hosts the loader on `board` with `part` as the flash and runs `Init` alone.
    /// - Parameter permissive: identify's wiring (any pin the MCU's table allows).
    public func probeInit(board: Board, part: FlashPart, permissive: Bool, limit: DeviceTime = .seconds(5)) -> InitProbe? {
        let flash = NORFlash(part: part, content: .erased, timing: options.flashTiming)
        var probeBoard = board
        probeBoard.flash = part.name
        guard let sim = try? SimulatedBoard(board: probeBoard, flash: flash, permissive: permissive),
              let entry = loader.entryPoint(named: "Init") else { return nil }
        sim.machine.symbols = loader.elf.symbols
            .filter { $0.kind == .function && $0.isDefined }
            .map { MachineSymbol(name: $0.name, address: $0.value & ~1, size: $0.size) }
        try? sim.machine.fill(options.ramFill, range: SimulatedBoard.sramBase..<(SimulatedBoard.sramBase + sim.ramSize))
        var end: UInt32 = SimulatedBoard.sramBase + 4
        for segment in loader.loadSegments.filter(\.isDownloaded) {
            guard (try? sim.machine.writeMemory(segment.bytes, at: segment.virtualAddress)) != nil else { return nil }
            end = max(end, segment.virtualAddress &+ UInt32(segment.bytes.count))
        }
        try? sim.machine.writeMemory([0x00, 0xBE, 0x00, 0x00], at: SimulatedBoard.sramBase)
        let rccBefore = RCCEnableBits.snapshot(sim.soc.rcc)
        let outcome = sim.machine.call(
            entry.address, arguments: [], stackPointer: end &+ 0x3FC, returnAddress: SimulatedBoard.sramBase,
            budget: CallBudget(maxInstructions: min(options.maxInstructionsPerCall, 8_000_000), deviceTimeLimit: limit,
                               hostTimeLimitSeconds: min(options.hostSecondsPerCall, 8)))
        var succeeded = false
        if case .returned(let r0, _) = outcome { succeeded = r0 != 0 }
        let events = sim.soc.drainEvents().map(\.event)
        var absent: [String] = [], unmodelled: [String] = []
        for event in events {
            switch event {
            case .absentPeripheral(let p, _, _, _) where !absent.contains(p): absent.append(p)
            case .unmodelledPeripheral(let p, _, _) where !unmodelled.contains(p): unmodelled.append(p)
            default: break
            }
        }
        var commands: [String] = []
        for stamped in flash.events {
            guard case .commandDecoded(let c) = stamped.event else { continue }
            let text = "\(String(format: "%02Xh", c.opcode)) \(c.name) \(c.lines)"
            if commands.last != text, commands.count < 60 { commands.append(text) }
        }
        let path = sim.soc.signalPath
        let instance = path.deliveringInstances.sorted().first
            ?? (sim.soc.octospi2.isEnabled && !sim.soc.octospi1.isEnabled ? 2 : (sim.soc.octospi1.isEnabled ? 1 : nil))
        let controller = instance == 2 ? sim.soc.octospi2 : sim.soc.octospi1
        let pins = Self.configuredPins(sim.soc, instance: instance ?? 1, observed: path.observedPins)
        let coreClock = loader.elf.symbols.first { $0.name == "SystemCoreClock" && $0.isDefined && $0.size == 4 }
        let (hse, hseFromLoader) = Self.assumedHSE(sim, board: board, coreClockAddress: coreClock.map { UInt32(truncatingIfNeeded: $0.value) })
        var probe = InitProbe(
            mcu: board.mcu, part: part.name, permissive: permissive, outcome: outcome, succeeded: succeeded,
            instructions: sim.machine.totalInstructions, deviceSeconds: sim.clock.now.seconds,
            clocksEnabled: RCCEnableBits.newlySet(before: rccBefore, after: RCCEnableBits.snapshot(sim.soc.rcc)),
            pins: pins, instance: instance, sysclkHz: sim.soc.rcc.sysclkHz, flashClockHz: controller.fclkHz,
            commands: commands, identificationReads: sim.identificationReads,
            absentPeripherals: absent, unmodelledPeripherals: unmodelled)
        probe.hseHz = hse
        probe.hseFromLoader = hseFromLoader
        return probe
    }

    /// See `InitProbe.hseHz`.
    static func assumedHSE(_ sim: SimulatedBoard, board: Board, coreClockAddress: UInt32?) -> (UInt32?, Bool) {
        let rcc = sim.soc.rcc
        guard rcc.sysclkFromHSE, let given = board.clock.hseHz else { return (nil, false) }
        guard rcc.hclkHz > 0, let coreClockAddress,
              let believed = try? sim.machine.readWord(at: coreClockAddress) else { return (given, false) }
        let scaled = (UInt64(given) * UInt64(believed) + rcc.hclkHz / 2) / rcc.hclkHz
        let rounded = UInt32(clamping: (scaled + 500) / 1_000 * 1_000)
        return Board.hseRange.contains(rounded) ? (rounded, true) : (given, false)
    }
}

extension ProgrammerSession {
    /// Every GPIO pin in alternate-function mode whose AF carries a signal of the OCTOSPIM
    /// port that routes `instance`'s clock (OCTOSPI1's own pins without an OCTOSPIM); where a
    /// signal has several such pins, the one a delivered transaction used wins.
    static func configuredPins(_ soc: STM32U5SoC, instance: Int, observed: [FlashSignal: OCTOSPIMPinMap.Entry]) -> [InitProbe.ObservedPin] {
        let mcu = soc.mcu
        var ports = mcu.ports
        if mcu.hasOCTOSPIM {
            let routed = mcu.ports.filter { p in
                let pcr = soc.octospim.portControl(p)
                return pcr & 1 != 0 && (pcr >> 1) & 1 == UInt32(instance - 1)
            }
            if !routed.isEmpty { ports = routed }
        }
        var bySignal: [FlashSignal: InitProbe.ObservedPin] = [:]
        for (index, gpio) in soc.gpio.enumerated() {
            for number in 0..<16 where gpio.mode(pin: number) == 2 {
                let pin = Pin(port: index, number: number)
                for entry in mcu.signal(on: pin, af: gpio.alternateFunction(pin: number)) where ports.contains(entry.port) {
                    let candidate = InitProbe.ObservedPin(signal: entry.signal, pin: pin, alternateFunction: entry.alternateFunction, port: entry.port)
                    if bySignal[entry.signal] == nil { bySignal[entry.signal] = candidate }
                }
            }
        }
        // What delivered transactions used wins: it is keyed by the flash's signal, so it also
        // holds a chip select on the other port or a flash on a port's IO[7:4] pins.
        for (signal, entry) in observed {
            bySignal[signal] = InitProbe.ObservedPin(signal: signal, pin: entry.pin, alternateFunction: entry.alternateFunction, port: entry.port, portSignal: entry.signal)
        }
        return bySignal.values.sorted { FlashSignal.allCases.firstIndex(of: $0.signal)! < FlashSignal.allCases.firstIndex(of: $1.signal)! }
    }
}

/// Names of the RCC enable bits a loader typically sets (RM0456 RCC_AHBxENR), for reports.
enum RCCEnableBits {
    static let registers: [(offset: UInt32, name: String)] = [
        (RCC.Offset.ahb1enr, "AHB1ENR"), (RCC.Offset.ahb2enr1, "AHB2ENR1"), (RCC.Offset.ahb2enr2, "AHB2ENR2"), (RCC.Offset.ahb3enr, "AHB3ENR"),
    ]
    static let names: [String: String] = {
        var n: [String: String] = [:]
        for i in 0..<10 { n["AHB2ENR1.\(i)"] = "GPIO\(Character(UnicodeScalar(UInt8(65 + i))))EN" }
        n["AHB2ENR1.21"] = "OCTOSPIMEN"
        n["AHB2ENR2.4"] = "OCTOSPI1EN"
        n["AHB2ENR2.8"] = "OCTOSPI2EN"
        n["AHB2ENR2.12"] = "HSPI1EN"
        n["AHB3ENR.2"] = "PWREN"
        n["AHB1ENR.30"] = "DCACHE1EN"
        n["AHB1ENR.2"] = "GPDMA1EN"
        return n
    }()

    static func snapshot(_ rcc: RCC) -> [UInt32] { registers.map { rcc.register($0.offset) } }

    static func newlySet(before: [UInt32], after: [UInt32]) -> [String] {
        var out: [String] = []
        for (i, reg) in registers.enumerated() {
            let set = after[i] & ~before[i]
            for bit in 0..<32 where set & (1 << UInt32(bit)) != 0 {
                out.append("RCC_" + reg.name + "." + (names["\(reg.name).\(bit)"] ?? "b\(bit)"))
            }
        }
        return out
    }
}
