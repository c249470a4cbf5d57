import Board
import NORFlash
import VirtualTime

/// The wires between an OCTOSPI and the flash: OCTOSPIM port routing (where the MCU has an
/// OCTOSPIM), then the GPIO pins the board names.
///
/// A transaction reaches the flash only if
/// - OCTOSPIM_PCRn of the board's port routes this OCTOSPI's CLK (CLKEN, CLKSRC), NCS
///   (NCSEN, NCSSRC), IO[3:0] (IOLEN, IOLSRC = instance's IO[3:0], or IO[7:4] when
///   CR.FSEL = 1), for 8-line phases IO[7:4] (IOHEN, IOHSRC = instance's IO[7:4]), and for
///   DQS-sampled reads (CCR.DQSE) the DQS (DQSEN, DQSSRC); without an OCTOSPIM (U535/U545)
///   OCTOSPI1 drives its own pins;
/// - every pin that carries a used signal is in alternate-function mode (MODER = 10) with
///   the board's AF, and PG[15:2] pins have PWR_SVMCR.IO2SV = 1.
///
/// Permissive wiring (`identify`): there is no board; a signal reaches the flash through any
/// pin in alternate-function mode whose AF carries it on the routed port in the MCU's pin
/// table, and the pins found are kept in `observedPins`.
///
/// Choices (the silicon's analog behaviour is not modeled):
/// - NCS, CLK, or a line used by the instruction/address/alternate phases blocked: the
///   flash sees nothing.
/// - Only data-phase lines blocked (IO1 for 1-line reads, IO2/IO3 for quad data, IO4-IO7 for
///   octal data, or the DQS of a strobed read): the flash sees the command; bits carried by
///   a blocked line read as the MCU pin's pull (PUPDR = 01 → 1, otherwise 0), and bits
///   written on it arrive as 1 (an undriven flash input taken as high).
/// - A read that never reached the flash returns, per line, the pin's pull level: 0xFF
///   with pull-ups, 0x00 without.
/// - IO2/IO3 matter only for 4- and 8-line phases, IO4-IO7 only for 8-line phases; the
///   flash's WP#/HOLD# function of IO2/IO3 is the flash model's business.
/// - MUXEN = 1 is accepted as long as the port's source fields select this OCTOSPI.
/// - A board without a DQS pin: strobed reads are delivered (the lab does not judge a
///   strobe the board description does not mention).
public final class FlashSignalPath {
    public let board: Board
    public let mcu: MCUDescription
    public let permissive: Bool
    public let device: SPIDevice
    let gpio: [GPIOPort]
    let octospim: OCTOSPIM
    let pwr: PWR
    let log: SoCEventLog
    /// The blockages last recorded, per instance: a verdict's events are recorded when they
    /// differ from these, whether the verdict was computed or reused.
    private var lastBlocked: [Int: [SoCEvent]] = [:]
    /// The shape (command without address) of the last memory-mapped read recorded, per
    /// instance: a run of same-shaped window reads is recorded once, so verifying 64 MiB
    /// through the window does not fill the trace. The device still sees every one.
    private var lastMemoryMappedShape: [Int: SPITransaction] = [:]
    /// Memory-mapped read transactions delivered but not recorded as events.
    public private(set) var coalescedMemoryMappedReads: UInt64 = 0
    /// Permissive wiring: the pin (with its AF and OCTOSPIM port) that carried each signal
    /// of a delivered transaction.
    public private(set) var observedPins: [FlashSignal: OCTOSPIMPinMap.Entry] = [:]
    /// The OCTOSPI instances whose transactions reached the flash.
    public private(set) var deliveringInstances: Set<Int> = []
    /// The instance last added to `deliveringInstances`: the set is not hashed again for each
    /// transaction of the same instance.
    private var lastDeliveringInstance: Int?

    /// Reuse routing verdicts while nothing they depend on changed (`STM32U5G7.fastPaths`).
    /// A verdict depends on the transaction's lines, the instance, FSEL, FCLK (pin speeds) and
    /// the registers `routingStamp` covers. Reusing one records what computing it records:
    /// its blockages when they differ from the instance's last (`lastBlocked`, checked for
    /// every transaction), and slow pins, which `checkPinSpeeds` reports once per pin, class
    /// and FCLK, so a second check of the same verdict records nothing.
    /// Several verdicts are kept: a page program, its WREN and the status poll have different
    /// lines, and one cached verdict would be recomputed for each transaction.
    /// Off on a permissive board: there the verdict also records which pins carried each
    /// signal (`observedPins`), which a reused verdict would skip.
    var reusesRouting = true
    private struct RoutingKey: Equatable {
        var instance: Int
        var fsel: Bool
        /// Bit n: IOn carries an instruction, address or alternate phase.
        var commandLines: UInt8
        /// Bit n: IOn carries the data phase.
        var dataLines: UInt8
        var fclkHz: UInt64
        /// A strobed read also needs DQS routed.
        var strobedRead: Bool
    }
    private struct RoutingVerdict {
        var key: RoutingKey
        var blocks: [SoCEvent]
        /// Bit n: IOn is blocked.
        var blockedLines: UInt8
        var strobeMissing: Bool
        /// NCS, CLK or a command line is blocked: the flash sees nothing.
        var commandBroken: Bool
    }
    /// Verdicts computed since the routing registers last changed; few shapes per session.
    private var routingVerdicts: [RoutingVerdict] = []
    private static let maximumVerdicts = 16
    /// Verdicts computed so far (tests: reuse happens).
    private(set) var verdictsComputed = 0
    /// Every input of `blockage`, `checkPinSpeeds` and `pullLevel` that the verdicts assume
    /// lives in the registers of OCTOSPIM, PWR and the board's GPIO ports: the sum of their
    /// write generations changes with any write to them (each only grows). A new input from
    /// elsewhere must be covered here too, or a reused verdict goes stale (ExactnessTests
    /// compare sessions with and without reuse).
    private var routingStamp: UInt64?
    /// GPIO ports that carry the board's flash signals.
    private lazy var boardPorts: [Int] = Array(Set(board.pins.values.map(\.pin.port))).filter { $0 < gpio.count }.sorted()

    private func currentRoutingStamp() -> UInt64 {
        var generation = octospim.generation &+ pwr.generation
        for port in boardPorts { generation &+= gpio[port].generation }
        return generation
    }

    init(board: Board, mcu: MCUDescription, permissive: Bool, device: SPIDevice, gpio: [GPIOPort], octospim: OCTOSPIM, pwr: PWR, log: SoCEventLog) {
        self.board = board
        self.mcu = mcu
        self.permissive = permissive
        self.device = device
        self.gpio = gpio
        self.octospim = octospim
        self.pwr = pwr
        self.log = log
    }

    /// Rough upper toggle rates per OSPEEDR class (00 low, 01 medium, 10 high; 11 very high
    /// is not limited here). Orders of magnitude from the STM32U5 datasheet I/O AC table,
    /// not confirmed against it: the resulting event is advisory.
    public static let speedClassMaximumHz: [UInt64] = [10_000_000, 50_000_000, 100_000_000]
    private var reportedSlowPins: Set<String> = []

    /// The pin that carries `signal`: the board's, or the one identify observed.
    func pin(for signal: FlashSignal) -> Pin? {
        permissive ? observedPins[signal]?.pin : board.pins[signal]?.pin
    }

    func checkPinSpeeds(signals: [FlashSignal], fclkHz: UInt64) {
        for signal in signals {
            guard let pin = pin(for: signal), pin.port < gpio.count else { continue }
            let ospeedr = (gpio[pin.port].register(GPIOPort.Offset.ospeedr) >> UInt32(2 * pin.number)) & 3
            guard ospeedr < 3 else { continue }
            let maximum = FlashSignalPath.speedClassMaximumHz[Int(ospeedr)]
            let key = "\(pin)-\(ospeedr)-\(fclkHz)"
            if fclkHz > maximum, !reportedSlowPins.contains(key) {
                reportedSlowPins.insert(key)
                log.record(.pinSpeedTooLow(pin: pin, signal: signal, ospeedr: ospeedr, fclkHz: fclkHz, maximumHz: maximum))
            }
        }
    }

    public struct Outcome {
        public var data: [UInt8]
        public var delivered: Bool
    }

    private func ioSignal(_ line: Int) -> FlashSignal { FlashSignal.io(line) }

    /// The OCTOSPI line that drives the flash's IOk: IOk for 8-line phases; for narrower
    /// ones IO[3:0], or IO[7:4] with CR.FSEL = 1 (the second flash of dual-flash wiring).
    private func drivingLine(flashLine k: Int, fsel: Bool) -> Int {
        k >= 4 ? k : (fsel ? 4 : 0) + k
    }

    /// OCTOSPIM_PCRn's enable bit, source field and the source value that connects `instance`
    /// to the port signal `carrier` for the flash's `signal`. A port nibble takes either nibble
    /// of either OCTOSPI (IOLSRC/IOHSRC: 00 OCTOSPI1 IO[3:0], 01 OCTOSPI1 IO[7:4], 10/11
    /// OCTOSPI2), so a flash on a port's IO[7:4] pins is fed its IO[3:0] by IOHSRC = x0.
    private func route(_ signal: FlashSignal, carrier: FlashSignal, instance: Int, fsel: Bool) -> (enable: UInt32, shift: UInt32, bits: UInt32, want: UInt32, field: String) {
        let src = UInt32(instance - 1)
        guard let k = signal.ioLine, let line = carrier.ioLine else {
            switch signal {
            case .clk, .nclk: return (0, 1, 1, src, "CLKEN/CLKSRC")
            case .dqs: return (4, 5, 1, src, "DQSEN/DQSSRC")
            default: return (8, 9, 1, src, "NCSEN/NCSSRC")
            }
        }
        let nibble = UInt32(drivingLine(flashLine: k, fsel: fsel) / 4)
        // Where the flash line is not on the port line of its own number, say which port line
        // must take which OCTOSPI nibble.
        let detail = line == k ? "" : ": port IO\(line) from OCTOSPI\(instance) IO[\(nibble * 4 + 3):\(nibble * 4)]"
        return line >= 4 ? (24, 25, 2, (src << 1) | nibble, "IOHEN/IOHSRC" + detail) : (16, 17, 2, (src << 1) | nibble, "IOLEN/IOLSRC" + detail)
    }

    private func routes(_ port: Int, _ signal: FlashSignal, carrier: FlashSignal, instance: Int, fsel: Bool) -> Bool {
        let r = route(signal, carrier: carrier, instance: instance, fsel: fsel)
        let pcr = octospim.portControl(port)
        return pcr & (1 << r.enable) != 0 && RegisterAccess.field(pcr, r.shift, r.bits) == r.want
    }

    /// Without an OCTOSPIM a pin is wired to one OCTOSPI1 line: the flash's IOk gets it only
    /// when that is the line driving IOk (a flash on IO[7:4] needs CR.FSEL = 1).
    private func lineMismatch(_ signal: FlashSignal, carrier: FlashSignal, fsel: Bool) -> (pinLine: Int, driving: Int)? {
        guard let k = signal.ioLine, let line = carrier.ioLine else { return nil }
        let driving = drivingLine(flashLine: k, fsel: fsel)
        return line == driving ? nil : (line, driving)
    }

    /// The port signal each board pin carries (`Board.carrier`), resolved once.
    private lazy var boardCarriers: [FlashSignal: OCTOSPIMPinMap.Entry] = {
        var carriers: [FlashSignal: OCTOSPIMPinMap.Entry] = [:]
        for signal in board.pins.keys { carriers[signal] = board.carrier(of: signal) }
        return carriers
    }()

    /// Why the pin fails to carry `signal` with alternate function `af`, or nil.
    private func pinProblem(_ pin: Pin, af: Int, signal: FlashSignal, instance: Int) -> SoCEvent? {
        guard pin.port < gpio.count else { return nil }
        let port = gpio[pin.port]
        if port.mode(pin: pin.number) != 2 {
            return .signalBlocked(instance: instance, signal: signal, pin: pin, reason: .notAlternateFunction(moder: port.mode(pin: pin.number)))
        }
        if port.alternateFunction(pin: pin.number) != af {
            return .signalBlocked(instance: instance, signal: signal, pin: pin,
                                  reason: .wrongAlternateFunction(found: port.alternateFunction(pin: pin.number), expected: af))
        }
        if pin.port == 6, pin.number >= 2, !pwr.io2Valid {
            return .signalBlocked(instance: instance, signal: signal, pin: pin, reason: .vddio2NotValid)
        }
        return nil
    }

    /// Why `signal` of OCTOSPI `instance` does not reach its board pin, or nil if it does.
    func blockage(of signal: FlashSignal, instance: Int, fsel: Bool) -> SoCEvent? {
        if permissive { return permissiveBlockage(of: signal, instance: instance, fsel: fsel) }
        guard let assignment = board.pins[signal] else {
            // A flash line the board leaves unwired (IO2/IO3 of a dual board, held high as
            // WP#/HOLD#) carries nothing from the MCU. Other absent signals (DQS, NCLK, IO4-IO7
            // of a quad board) are not the board's to judge.
            if let k = signal.ioLine, k < 4, !board.wiresQuadData {
                return .signalBlocked(instance: instance, signal: signal, pin: nil, reason: .notWiredOnBoard)
            }
            return nil
        }
        let pin = assignment.pin
        let carrier = boardCarriers[signal] ?? OCTOSPIMPinMap.Entry(port: board.octospi.port, signal: signal, pin: pin, alternateFunction: assignment.af)
        if mcu.hasOCTOSPIM {
            if !routes(carrier.port, signal, carrier: carrier.signal, instance: instance, fsel: fsel) {
                let r = route(signal, carrier: carrier.signal, instance: instance, fsel: fsel)
                return .signalBlocked(instance: instance, signal: signal, pin: pin,
                                      reason: .portNotRouted(register: "PCR\(carrier.port)", field: r.field, value: octospim.portControl(carrier.port)))
            }
        } else if let (pinLine, driving) = lineMismatch(signal, carrier: carrier.signal, fsel: fsel) {
            return .signalBlocked(instance: instance, signal: signal, pin: pin, reason: .otherLine(pinLine: pinLine, drivingLine: driving))
        }
        return pinProblem(pin, af: assignment.af, signal: signal, instance: instance)
    }

    /// Identify's wiring: the signal reaches the flash through any pin the MCU's table
    /// allows for it (`MCUDescription.carriers`, on either port or nibble) whose port signal
    /// the OCTOSPIM routes from this OCTOSPI (without one: whose line drives it).
    private func permissiveBlockage(of signal: FlashSignal, instance: Int, fsel: Bool) -> SoCEvent? {
        let candidates = mcu.pinTable.filter { entry in
            guard mcu.ports.contains(entry.port), MCUDescription.entry(entry, canCarry: signal) else { return false }
            return mcu.hasOCTOSPIM
                ? routes(entry.port, signal, carrier: entry.signal, instance: instance, fsel: fsel)
                : lineMismatch(signal, carrier: entry.signal, fsel: fsel) == nil
        }
        guard !candidates.isEmpty else {
            let candidate = mcu.pins(port: 1, signal: signal).first?.pin
            let r = route(signal, carrier: signal, instance: instance, fsel: fsel)
            return .signalBlocked(instance: instance, signal: signal, pin: candidate,
                                  reason: .portNotRouted(register: "PCR1/PCR2", field: r.field, value: octospim.portControl(1)))
        }
        var firstProblem: SoCEvent?
        for entry in candidates {
            if let problem = pinProblem(entry.pin, af: entry.alternateFunction, signal: signal, instance: instance) {
                if firstProblem == nil, entry.pin.port < gpio.count, gpio[entry.pin.port].mode(pin: entry.pin.number) == 2 { firstProblem = problem }
                continue
            }
            observedPins[signal] = entry
            return nil
        }
        return firstProblem ?? .signalBlocked(instance: instance, signal: signal, pin: candidates[0].pin, reason: .notAlternateFunction(moder: 0))
    }

    /// The MCU-side level a line floats to: its pin's pull-up.
    func pullLevel(line: Int) -> Bool {
        guard let pin = pin(for: ioSignal(line)), pin.port < gpio.count else { return false }
        return gpio[pin.port].pull(pin: pin.number) == 1
    }

    /// The line carrying bit `bit` of a data byte on a `lines`-wide phase (1-line reads come
    /// in on IO1, 1-line writes go out on IO0).
    private func line(forBit bit: Int, lines: Int, reading: Bool) -> Int {
        lines == 1 ? (reading ? 1 : 0) : bit % lines
    }

    /// `blocked`: bit n for IOn.
    private func floatingByte(lines: Int, reading: Bool, blocked: UInt8) -> (UInt8, UInt8) {
        var forced: UInt8 = 0, mask: UInt8 = 0
        for bit in 0..<8 {
            let l = line(forBit: bit, lines: lines, reading: reading)
            guard blocked & (1 << UInt8(l)) != 0 else { continue }
            mask |= 1 << UInt8(bit)
            if reading ? pullLevel(line: l) : true { forced |= 1 << UInt8(bit) }
        }
        return (forced, mask)
    }

    /// IO0..IO(lines-1) as a mask (8 lines at most).
    private static func lineMask(_ lines: Int) -> UInt8 {
        lines >= 8 ? 0xFF : UInt8((1 << lines) - 1)
    }

    /// The IO lines of `mask`, lowest first, as signals.
    private func ioSignals(_ mask: UInt8) -> [FlashSignal] {
        (0..<8).filter { mask & (1 << UInt8($0)) != 0 }.map(ioSignal)
    }

    /// The routing verdict for `key`: blockages, blocked lines, missing strobe.
    private func computeVerdict(_ key: RoutingKey) -> RoutingVerdict {
        verdictsComputed += 1
        var blocks: [SoCEvent] = []
        var blockedLines: UInt8 = 0
        var strobeMissing = false
        for signal in [FlashSignal.ncs, .clk] {
            if let b = blockage(of: signal, instance: key.instance, fsel: key.fsel) { blocks.append(b) }
        }
        let used = key.commandLines | key.dataLines
        for l in 0..<8 where used & (1 << UInt8(l)) != 0 {
            if let b = blockage(of: ioSignal(l), instance: key.instance, fsel: key.fsel) {
                blocks.append(b)
                blockedLines |= 1 << UInt8(l)
            }
        }
        // A strobed read samples every data line with DQS: without it no data bit is taken,
        // though the command phases went out.
        if key.strobedRead, let b = blockage(of: .dqs, instance: key.instance, fsel: key.fsel) {
            blocks.append(b)
            strobeMissing = true
        }
        let commandBroken = !blocks.isEmpty && (blockedLines & key.commandLines != 0
            || blocks.contains { if case .signalBlocked(_, let s, _, _) = $0 { return s == .ncs || s == .clk }; return false })
        return RoutingVerdict(key: key, blocks: blocks, blockedLines: blockedLines, strobeMissing: strobeMissing, commandBroken: commandBroken)
    }

    /// Records the verdict's blockages when they differ from the last ones of its instance.
    private func recordBlocks(_ blocks: [SoCEvent], instance: Int) {
        let last = lastBlocked[instance]
        // The usual case, nothing blocked now or before, without comparing arrays.
        if blocks.isEmpty, last?.isEmpty == true { return }
        guard last != blocks else { return }
        blocks.forEach(log.record)
        lastBlocked[instance] = blocks
    }

    /// Drives one transaction of OCTOSPI `instance` (CR.FSEL = `fsel`) onto the wires.
    public func exchange(instance: Int, fsel: Bool, _ transaction: SPITransaction, at now: DeviceTime,
                         memoryMappedRead: Bool = false, fclkHz: UInt64 = 0) -> Outcome {
        var commandLines: UInt8 = 0
        if transaction.instruction != nil { commandLines |= Self.lineMask(transaction.instructionFormat.lines) }
        if transaction.address != nil { commandLines |= Self.lineMask(transaction.addressFormat.lines) }
        if transaction.alternateBytes != nil { commandLines |= Self.lineMask(transaction.alternateFormat.lines) }
        var dataLines: UInt8 = 0
        let reading: Bool
        let readCount: Int
        switch transaction.direction {
        case .none: reading = false; readCount = 0
        case .read(let n): reading = true; readCount = n
        case .write: reading = false; readCount = 0
        }
        if transaction.direction != .none {
            let n = min(transaction.dataFormat.lines, 8)
            dataLines = n == 1 ? (reading ? 0b10 : 0b01) : Self.lineMask(n)
        }

        let key = RoutingKey(instance: instance, fsel: fsel, commandLines: commandLines, dataLines: dataLines, fclkHz: fclkHz,
                             strobedRead: transaction.dataStrobe && reading)
        let verdict: RoutingVerdict
        var fresh = true
        if reusesRouting && !permissive {
            let stamp = currentRoutingStamp()
            if stamp != routingStamp {
                routingStamp = stamp
                routingVerdicts.removeAll(keepingCapacity: true)
            }
            if let cached = routingVerdicts.first(where: { $0.key == key }) {
                verdict = cached
                fresh = false
            } else {
                verdict = computeVerdict(key)
                if routingVerdicts.count >= Self.maximumVerdicts { routingVerdicts.removeAll(keepingCapacity: true) }
                routingVerdicts.append(verdict)
            }
        } else {
            verdict = computeVerdict(key)
        }
        recordBlocks(verdict.blocks, instance: instance)
        let blockedLines = verdict.blockedLines

        if verdict.commandBroken {
            log.record(.transaction(instance: instance, transaction, delivered: false))
            let (forced, _) = floatingByte(lines: min(transaction.dataFormat.lines, 8), reading: true, blocked: 0xFF)
            return Outcome(data: Array(repeating: forced, count: readCount), delivered: false)
        }

        if instance != lastDeliveringInstance {
            deliveringInstances.insert(instance)
            lastDeliveringInstance = instance
        }
        if fresh { checkPinSpeeds(signals: [.ncs, .clk] + ioSignals(commandLines | dataLines), fclkHz: fclkHz) }
        var sent = transaction
        let dataBlocked = verdict.strobeMissing ? dataLines : blockedLines & dataLines
        if case .write(let bytes) = transaction.direction, dataBlocked != 0 {
            let (forced, mask) = floatingByte(lines: transaction.dataFormat.lines, reading: false, blocked: dataBlocked)
            sent.direction = .write(bytes.map { ($0 & ~mask) | forced })
        }
        if memoryMappedRead {
            var shape = sent
            shape.address = 0
            if lastMemoryMappedShape[instance] == shape {
                coalescedMemoryMappedReads += 1
            } else {
                lastMemoryMappedShape[instance] = shape
                log.record(.transaction(instance: instance, sent, delivered: true))
            }
        } else {
            if !lastMemoryMappedShape.isEmpty { lastMemoryMappedShape[instance] = nil }
            log.record(.transaction(instance: instance, sent, delivered: true))
        }
        var data = device.exchange(sent, at: now)
        if reading {
            if data.count != readCount { data = Array((data + Array(repeating: 0, count: readCount)).prefix(readCount)) }
            if dataBlocked != 0 {
                let (forced, mask) = floatingByte(lines: transaction.dataFormat.lines, reading: true, blocked: dataBlocked)
                data = data.map { ($0 & ~mask) | forced }
            }
        }
        return Outcome(data: reading ? data : [], delivered: true)
    }
}
