import Board
import NORFlash
import VirtualTime

/// The wires between an OCTOSPI and the flash: OCTOSPIM port routing, then the GPIO pins
/// the board names.
///
/// A transaction reaches the flash only if
/// - OCTOSPIM_PCRn of the board's port routes this OCTOSPI's CLK (CLKEN, CLKSRC), NCS
///   (NCSEN, NCSSRC) and IO[3:0] (IOLEN, IOLSRC = instance's IO[3:0], or IO[7:4] when
///   CR.FSEL = 1);
/// - every pin that carries a used signal is in alternate-function mode (MODER = 10) with
///   the board's AF, and PG[15:2] pins have PWR_SVMCR.IO2SV = 1.
///
/// Choices (the silicon's analog behaviour is not modeled):
/// - NCS, CLK, or a line used by the instruction/address/alternate phases blocked: the
///   flash sees nothing.
/// - Only data-phase lines blocked (IO1 for 1-line reads, IO2/IO3 for quad data): the
///   flash sees the command; bits carried by a blocked line read as the MCU pin's pull
///   (PUPDR = 01 → 1, otherwise 0), and bits written on it arrive as 1 (an undriven flash
///   input taken as high).
/// - A read that never reached the flash returns, per line, the pin's pull level: 0xFF
///   with pull-ups, 0x00 without.
/// - IO2/IO3 matter only for 4-line phases; the flash's WP#/HOLD# function of those pins
///   is the flash model's business.
/// - MUXEN = 1 is accepted as long as the port's source fields select this OCTOSPI.
public final class FlashSignalPath {
    public let board: Board
    public let device: SPIDevice
    let gpio: [GPIOPort]
    let octospim: OCTOSPIM
    let pwr: PWR
    let log: SoCEventLog
    private var lastBlocked: [Int: [SoCEvent]] = [:]
    /// The shape (command without address) of the last memory-mapped read recorded, per
    /// instance: a run of same-shaped window reads is recorded once, so verifying 64 MiB
    /// through the window does not fill the trace. The device still sees every one.
    private var lastMemoryMappedShape: [Int: SPITransaction] = [:]
    /// Memory-mapped read transactions delivered but not recorded as events.
    public private(set) var coalescedMemoryMappedReads: UInt64 = 0

    /// Reuse the last routing verdict while nothing it depends on changed (`STM32U5G7.fastPaths`).
    /// A verdict depends on the transaction's lines, the instance, FSEL, FCLK (pin speeds) and
    /// the registers `routingState` reads; the events it records were recorded when it was
    /// computed (`lastBlocked`, `reportedSlowPins`), so skipping the work records nothing new,
    /// exactly as recomputing it would.
    var reusesRouting = true
    private struct RoutingKey: Equatable {
        var instance: Int
        var fsel: Bool
        var commandLines: Set<Int>
        var dataLines: Set<Int>
        var fclkHz: UInt64
    }
    private var routingCache: (key: RoutingKey, blocks: [SoCEvent], blockedLines: Set<Int>)?
    private var routingStateNow: [UInt32] = []
    private var routingStateCached: [UInt32] = []
    /// GPIO ports that carry the board's flash signals.
    private lazy var boardPorts: [Int] = Array(Set(board.pins.values.map(\.pin.port))).filter { $0 < gpio.count }.sorted()

    /// Every register value `blockage`, `checkPinSpeeds` and `pullLevel` read, into
    /// `routingStateNow`. A new input to those must be captured here too, or the reused
    /// verdict goes stale (ExactnessTests compare sessions with and without reuse).
    private func captureRoutingState() {
        routingStateNow.removeAll(keepingCapacity: true)
        routingStateNow.append(octospim.portControl(board.octospi.port))
        routingStateNow.append(pwr.io2Valid ? 1 : 0)
        for port in boardPorts {
            let p = gpio[port]
            routingStateNow.append(p.register(GPIOPort.Offset.moder))
            routingStateNow.append(p.register(GPIOPort.Offset.afrl))
            routingStateNow.append(p.register(GPIOPort.Offset.afrh))
            routingStateNow.append(p.register(GPIOPort.Offset.ospeedr))
            routingStateNow.append(p.register(GPIOPort.Offset.pupdr))
        }
    }

    init(board: Board, device: SPIDevice, gpio: [GPIOPort], octospim: OCTOSPIM, pwr: PWR, log: SoCEventLog) {
        self.board = board
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

    func checkPinSpeeds(signals: [FlashSignal], fclkHz: UInt64) {
        for signal in signals {
            guard let pin = board.pins[signal]?.pin, pin.port < gpio.count else { continue }
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

    private func ioSignal(_ line: Int) -> FlashSignal { [.io0, .io1, .io2, .io3][line] }

    /// Why `signal` of OCTOSPI `instance` does not reach its board pin, or nil if it does.
    func blockage(of signal: FlashSignal, instance: Int, fsel: Bool) -> SoCEvent? {
        guard let assignment = board.pins[signal] else { return nil }
        let pin = assignment.pin
        let pcr = octospim.portControl(board.octospi.port)
        let regName = "PCR\(board.octospi.port)"
        let src = UInt32(instance - 1)
        func routed(_ en: UInt32, _ srcShift: UInt32, _ srcBits: UInt32, _ want: UInt32, _ field: String) -> SoCEvent? {
            if pcr & (1 << en) != 0, RegisterAccess.field(pcr, srcShift, srcBits) == want { return nil }
            return .signalBlocked(instance: instance, signal: signal, pin: pin,
                                  reason: .portNotRouted(register: regName, field: field, value: pcr))
        }
        let route: SoCEvent?
        switch signal {
        case .clk: route = routed(0, 1, 1, src, "CLKEN/CLKSRC")
        case .ncs: route = routed(8, 9, 1, src, "NCSEN/NCSSRC")
        default: route = routed(16, 17, 2, (src << 1) | (fsel ? 1 : 0), "IOLEN/IOLSRC")
        }
        if let route { return route }
        guard pin.port < gpio.count else { return nil }
        let port = gpio[pin.port]
        if port.mode(pin: pin.number) != 2 {
            return .signalBlocked(instance: instance, signal: signal, pin: pin, reason: .notAlternateFunction(moder: port.mode(pin: pin.number)))
        }
        if port.alternateFunction(pin: pin.number) != assignment.af {
            return .signalBlocked(instance: instance, signal: signal, pin: pin,
                                  reason: .wrongAlternateFunction(found: port.alternateFunction(pin: pin.number), expected: assignment.af))
        }
        if pin.port == 6, pin.number >= 2, !pwr.io2Valid {
            return .signalBlocked(instance: instance, signal: signal, pin: pin, reason: .vddio2NotValid)
        }
        return nil
    }

    /// The MCU-side level a line floats to: its pin's pull-up.
    func pullLevel(line: Int) -> Bool {
        guard let pin = board.pins[ioSignal(line)]?.pin, pin.port < gpio.count else { return false }
        return gpio[pin.port].pull(pin: pin.number) == 1
    }

    /// The line carrying bit `bit` of a data byte on a `lines`-wide phase (1-line reads come
    /// in on IO1, 1-line writes go out on IO0).
    private func line(forBit bit: Int, lines: Int, reading: Bool) -> Int {
        lines == 1 ? (reading ? 1 : 0) : bit % lines
    }

    private func floatingByte(lines: Int, reading: Bool, keep: UInt8 = 0, blocked: Set<Int>) -> (UInt8, UInt8) {
        var forced: UInt8 = 0, mask: UInt8 = 0
        for bit in 0..<8 {
            let l = line(forBit: bit, lines: lines, reading: reading)
            guard blocked.contains(l) else { continue }
            mask |= 1 << UInt8(bit)
            if reading ? pullLevel(line: l) : true { forced |= 1 << UInt8(bit) }
        }
        return (forced, mask)
    }

    /// Drives one transaction of OCTOSPI `instance` (CR.FSEL = `fsel`) onto the wires.
    public func exchange(instance: Int, fsel: Bool, _ transaction: SPITransaction, at now: DeviceTime,
                         memoryMappedRead: Bool = false, fclkHz: UInt64 = 0) -> Outcome {
        var commandLines: Set<Int> = []
        func add(_ f: SPIPhaseFormat, _ present: Bool) { if present { for l in 0..<min(f.lines, 4) { commandLines.insert(l) } } }
        add(transaction.instructionFormat, transaction.instruction != nil)
        add(transaction.addressFormat, transaction.address != nil)
        add(transaction.alternateFormat, transaction.alternateBytes != nil)
        var dataLines: Set<Int> = []
        let reading: Bool
        let readCount: Int
        switch transaction.direction {
        case .none: reading = false; readCount = 0
        case .read(let n): reading = true; readCount = n
        case .write: reading = false; readCount = 0
        }
        if transaction.direction != .none {
            let n = min(transaction.dataFormat.lines, 4)
            if n == 1 { dataLines.insert(reading ? 1 : 0) } else { for l in 0..<n { dataLines.insert(l) } }
        }

        var blocks: [SoCEvent] = []
        var blockedLines: Set<Int> = []
        var fresh = true
        let key = RoutingKey(instance: instance, fsel: fsel, commandLines: commandLines, dataLines: dataLines, fclkHz: fclkHz)
        if reusesRouting {
            captureRoutingState()
            if let cached = routingCache, cached.key == key, routingStateCached == routingStateNow {
                blocks = cached.blocks
                blockedLines = cached.blockedLines
                fresh = false
            }
        }
        if fresh {
            for signal in [FlashSignal.ncs, .clk] {
                if let b = blockage(of: signal, instance: instance, fsel: fsel) { blocks.append(b) }
            }
            for l in commandLines.union(dataLines).sorted() {
                if let b = blockage(of: ioSignal(l), instance: instance, fsel: fsel) {
                    blocks.append(b)
                    blockedLines.insert(l)
                }
            }
            if lastBlocked[instance] != blocks {
                blocks.forEach(log.record)
                lastBlocked[instance] = blocks
            }
            if reusesRouting {
                routingCache = (key, blocks, blockedLines)
                swap(&routingStateCached, &routingStateNow)
            }
        }

        let commandBroken = !blocks.isEmpty && (blockedLines.intersection(commandLines).isEmpty == false
            || blocks.contains { if case .signalBlocked(_, let s, _, _) = $0 { return s == .ncs || s == .clk }; return false })
        if commandBroken {
            log.record(.transaction(instance: instance, transaction, delivered: false))
            let all = Set(0..<4)
            let (forced, _) = floatingByte(lines: min(transaction.dataFormat.lines, 4), reading: true, blocked: all)
            return Outcome(data: Array(repeating: forced, count: readCount), delivered: false)
        }

        if fresh { checkPinSpeeds(signals: [.ncs, .clk] + commandLines.union(dataLines).sorted().map(ioSignal), fclkHz: fclkHz) }
        var sent = transaction
        let dataBlocked = blockedLines.intersection(dataLines)
        if case .write(let bytes) = transaction.direction, !dataBlocked.isEmpty {
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
            lastMemoryMappedShape[instance] = nil
            log.record(.transaction(instance: instance, sent, delivered: true))
        }
        var data = device.exchange(sent, at: now)
        if reading {
            if data.count != readCount { data = Array((data + Array(repeating: 0, count: readCount)).prefix(readCount)) }
            if !dataBlocked.isEmpty {
                let (forced, mask) = floatingByte(lines: transaction.dataFormat.lines, reading: true, blocked: dataBlocked)
                data = data.map { ($0 & ~mask) | forced }
            }
        }
        return Outcome(data: reading ? data : [], delivered: true)
    }
}
