import CortexM
import FirmwareImage
import Foundation
import LoaderFile
import NORFlash
import VirtualTime

/// What one benchmark scenario measured. Field names are the `bench --json` schema.
public struct BenchmarkResult: Codable, Sendable {
    public var scenario: String
    /// "ok", or "failed" with `detail` saying why.
    public var result: String
    /// Modeled device time (the board's virtual clock, or the flash's for `flash-model`).
    public var deviceSeconds: Double?
    public var hostSeconds: Double
    public var guestInstructions: UInt64?
    /// Image bytes programmed (and verified) by the scenario.
    public var imageBytes: Int?
    /// Host MiB/s of image programmed.
    public var mibPerSecond: Double?
    /// Guest instructions per host second, in millions.
    public var guestMIPS: Double?
    /// Peripheral callbacks per host second (`mmio`).
    public var callbacksPerSecond: Double?
    /// getrusage ru_maxrss of the process that ran the scenario, in MiB.
    public var peakResidentMiB: Double
    public var detail: String?
    /// Bytes of the loader the programmer downloads (sessions).
    public var loaderBytes: Int?
    /// Deepest stack the loader used below the programmer's MSP (sessions).
    public var maxStackBytes: Int?
    /// The datasheet limit for the scenario's external data (`DatasheetLimit`), in seconds.
    public var limitSeconds: Double?
    /// Peripheral accesses and guest RAM stores the emulator handled (sessions): the work a
    /// session's host time follows besides its instructions.
    public var busAccesses: UInt64?
    public var ramStores: UInt64?

    public init(scenario: String, result: String, deviceSeconds: Double? = nil, hostSeconds: Double,
                guestInstructions: UInt64? = nil, imageBytes: Int? = nil, mibPerSecond: Double? = nil,
                guestMIPS: Double? = nil, callbacksPerSecond: Double? = nil, peakResidentMiB: Double, detail: String? = nil,
                loaderBytes: Int? = nil, maxStackBytes: Int? = nil, limitSeconds: Double? = nil,
                busAccesses: UInt64? = nil, ramStores: UInt64? = nil) {
        self.scenario = scenario
        self.result = result
        self.deviceSeconds = deviceSeconds
        self.hostSeconds = hostSeconds
        self.guestInstructions = guestInstructions
        self.imageBytes = imageBytes
        self.mibPerSecond = mibPerSecond
        self.guestMIPS = guestMIPS
        self.callbacksPerSecond = callbacksPerSecond
        self.peakResidentMiB = peakResidentMiB
        self.detail = detail
        self.loaderBytes = loaderBytes
        self.maxStackBytes = maxStackBytes
        self.limitSeconds = limitSeconds
        self.busAccesses = busAccesses
        self.ramStores = ramStores
    }
}

/// Named scenarios for `loaderlab bench`: whole sessions with a loader, and micro-benchmarks
/// of the parts (flash model alone, MMIO callbacks, plain guest code).
public enum Benchmark {
    public struct Scenario: Sendable {
        public var name: String
        public var summary: String
        /// Needs a loader (a programming session).
        public var usesLoader: Bool
        /// Run only when asked for by name or with `--all` (minutes of host time).
        public var isLong: Bool
    }

    public static let scenarios: [Scenario] = [
        Scenario(name: "reported", summary: "the sample image: 16 KiB internal + 768 KiB at 0x9000_0000, sector erase, memory-mapped verify",
                 usesLoader: true, isLong: false),
        Scenario(name: "unaligned-4m", summary: "4 MiB + 0x1ED bytes at 0x9001_2345 (unaligned start and length)",
                 usesLoader: true, isLong: false),
        Scenario(name: "full-chip", summary: "64 MiB at 0x9000_0000 with MassErase",
                 usesLoader: true, isLong: true),
        Scenario(name: "image-1m", summary: "1 MiB at 0x9000_0000, sector erase (host time per MiB)",
                 usesLoader: true, isLong: false),
        Scenario(name: "image-4m", summary: "4 MiB at 0x9000_0000, sector erase (host time per MiB)",
                 usesLoader: true, isLong: false),
        Scenario(name: "image-16m", summary: "16 MiB at 0x9000_0000, sector erase (host time per MiB)",
                 usesLoader: true, isLong: true),
        Scenario(name: "flash-model", summary: "NORFlash alone: chip erase + 262,144 page programs (64 MiB) through exchange",
                 usesLoader: false, isLong: false),
        Scenario(name: "mmio", summary: "a guest loop of 32-bit stores to an OCTOSPI-like peripheral (one callback each)",
                 usesLoader: false, isLong: false),
        Scenario(name: "guest-loop", summary: "a guest countdown loop with no bus access (hook overhead per block)",
                 usesLoader: false, isLong: false),
    ]

    public static func scenario(named name: String) -> Scenario? { scenarios.first { $0.name == name } }

    /// Peak resident set size of this process so far, in MiB (Linux reports KiB).
    public static func peakResidentMiB() -> Double {
        var usage = rusage()
        #if os(Linux)
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Double(usage.ru_maxrss) / 1024
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        return Double(usage.ru_maxrss) / (1024 * 1024)
        #endif
    }

    /// Runs one scenario in this process. `loader` is needed by the session scenarios.
    public static func run(_ name: String, loader: LoaderFile?) -> BenchmarkResult {
        switch name {
        case "reported":
            return session(name, image: SampleImage.make(), loader: loader, fullChipErase: false)
        case "unaligned-4m":
            let bytes = SampleImage.make(seed: 4, internalSize: 0, externalSize: (4 << 20) + 0x1ED).segments.first?.bytes ?? []
            let image = FirmwareImage(segments: [Segment(address: 0x9001_2345, bytes: bytes)])
            return session(name, image: image, loader: loader, fullChipErase: false)
        case "full-chip":
            return session(name, image: SampleImage.make(internalSize: 0, externalSize: 64 << 20), loader: loader, fullChipErase: true)
        case "image-1m", "image-4m", "image-16m":
            let mib = Int(name.dropFirst(6).dropLast()) ?? 1
            return session(name, image: SampleImage.make(seed: UInt64(mib), internalSize: 0, externalSize: mib << 20), loader: loader, fullChipErase: false)
        case "flash-model":
            return flashModel()
        case "mmio":
            return guestLoop(name, storing: true, iterations: 4_000_000)
        case "guest-loop":
            return guestLoop(name, storing: false, iterations: 20_000_000)
        default:
            return failed(name, host: 0, "no such scenario (known: \(scenarios.map(\.name).joined(separator: ", ")))")
        }
    }

    static func failed(_ name: String, host: Double, _ why: String) -> BenchmarkResult {
        BenchmarkResult(scenario: name, result: "failed", hostSeconds: host, peakResidentMiB: peakResidentMiB(), detail: why)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    // MARK: sessions

    static func session(_ name: String, image: FirmwareImage, loader: LoaderFile?, fullChipErase: Bool,
                        options base: SessionOptions = SessionOptions()) -> BenchmarkResult {
        guard let loader else { return failed(name, host: 0, "needs a loader (--loader)") }
        var options = base
        options.fullChipErase = fullChipErase
        let started = ContinuousClock.now
        let report: SessionReport
        let limit: DatasheetLimit?
        do {
            let session = try ProgrammerSession(loader: loader, image: image, imageName: "\(name) (in memory)", options: options)
            report = session.run()
            let layoutBase = UInt64(session.layout.base)
            limit = FlashPart.part(named: options.board.flash).map { part in
                DatasheetLimit(ranges: session.plan.requestedRanges.map { (UInt64($0.lowerBound) - layoutBase)..<(UInt64($0.upperBound) - layoutBase + 1) },
                               part: part)
            }
        } catch {
            return failed(name, host: seconds(since: started), "\(error)")
        }
        let host = seconds(since: started)
        let bytes = image.segments.reduce(0) { $0 + $1.bytes.count }
        let instructions = report.calls.reduce(UInt64(0)) { $0 + $1.instructions }
        return BenchmarkResult(
            scenario: name, result: report.result, deviceSeconds: report.timing.deviceSeconds, hostSeconds: host,
            guestInstructions: instructions, imageBytes: bytes,
            mibPerSecond: host > 0 ? Double(bytes) / 1_048_576 / host : nil,
            guestMIPS: host > 0 ? Double(instructions) / 1e6 / host : nil,
            peakResidentMiB: peakResidentMiB(),
            detail: report.succeeded ? "\(report.calls.count) loader calls" : report.findings.first.map { "\($0.code): \($0.message)" } ?? report.failure?.description,
            loaderBytes: loader.loadSegments.filter(\.isDownloaded).reduce(0) { $0 + $1.bytes.count },
            maxStackBytes: report.maxStackDepth, limitSeconds: limit?.totalSeconds,
            busAccesses: report.timing.busAccesses, ramStores: report.timing.ramStores)
    }

    // MARK: micro-benchmarks

    /// The flash model on its own, as the OCTOSPI drives it during a full-chip run: WREN +
    /// chip erase, then WREN + 4-byte page program (12h) for every page, each command after
    /// the previous one's busy time. Events are drained per 256 pages, as a session drains
    /// them per Write call.
    static func flashModel() -> BenchmarkResult {
        let flash = NORFlash(part: .is25lp512m, content: .previousFirmware(seed: 0x1_5EED))
        let pageSize = flash.part.pageSize
        let size = flash.part.size
        var generator = SampleImage.make(seed: 7, internalSize: 0, externalSize: 1 << 20).segments.first?.bytes ?? []
        if generator.isEmpty { generator = [0x5A] }
        let started = ContinuousClock.now
        var now = DeviceTime.zero
        func send(_ t: SPITransaction) {
            _ = flash.exchange(t, at: now)
            now += .microseconds(1)
            if let busy = flash.nextSelfTimedChange, busy > now { now = busy }
        }
        send(SPITransaction(instruction: 0x06))
        send(SPITransaction(instruction: 0xC7))
        var page = [UInt8](repeating: 0, count: pageSize)
        var address = 0
        var pages = 0
        while address < size {
            let source = address % generator.count
            for i in 0..<pageSize { page[i] = generator[(source + i) % generator.count] }
            send(SPITransaction(instruction: 0x06))
            send(SPITransaction(instruction: 0x12, address: UInt32(address), addressSize: 4, direction: .write(page)))
            address += pageSize
            pages += 1
            if pages % 256 == 0 { flash.events.removeAll(keepingCapacity: true) }
        }
        flash.settle(at: now)
        let host = seconds(since: started)
        // Check the model did the work: every page holds its data.
        var ok = true
        for probe in stride(from: 0, to: size, by: size / 64) {
            let expected = (0..<pageSize).map { generator[((probe % generator.count) + $0) % generator.count] }
            if flash.read(address: UInt32(probe), count: pageSize) != expected { ok = false }
        }
        return BenchmarkResult(
            scenario: "flash-model", result: ok ? "ok" : "failed", deviceSeconds: now.seconds, hostSeconds: host,
            imageBytes: size, mibPerSecond: host > 0 ? Double(size) / 1_048_576 / host : nil,
            peakResidentMiB: peakResidentMiB(),
            detail: ok ? "\(pages) page programs, \(flash.changes.count) content changes recorded" : "the array does not hold what was programmed")
    }

    /// A peripheral with OCTOSPI's register-file shape: a dictionary of registers and a
    /// data register that counts pushes.
    final class RegisterFile: Peripheral {
        let name = "OCTOSPI-like"
        var registers: [UInt32: UInt32] = [:]
        var callbacks = 0

        func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
            callbacks += 1
            return registers[offset & ~3] ?? 0
        }

        func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
            callbacks += 1
            registers[offset & ~3] = value
        }
    }

    /// `loop: [str r1, [r0]]; subs r2, #1; bne loop; bx lr`, called as the programmer calls
    /// a loader entry point (BKPT at the RAM base as the return address).
    static func guestLoop(_ name: String, storing: Bool, iterations: UInt32) -> BenchmarkResult {
        let ramBase: UInt32 = 0x2000_0000, code: UInt32 = 0x2000_0100, peripheralBase: UInt32 = 0x420D_1400
        let halfwords: [UInt16] = storing ? [0x6001, 0x3A01, 0xD1FC, 0x4770] : [0x3A01, 0xD1FD, 0x4770]
        let clock = VirtualClock(coreFrequencyHz: 160_000_000)
        let register = RegisterFile()
        let machine: Machine
        do {
            machine = try Machine(clock: clock)
            try machine.mapRAM(name: "SRAM1", base: ramBase, size: 0x1_0000)
            try machine.map(register, base: peripheralBase, size: 0x400)
            try machine.writeMemory([0x00, 0xBE], at: ramBase)
            try machine.writeMemory(halfwords.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }, at: code)
        } catch {
            return failed(name, host: 0, "\(error)")
        }
        let started = ContinuousClock.now
        let outcome = machine.call(code | 1, arguments: [peripheralBase + 0x50, 0xA5, iterations], stackPointer: ramBase + 0x8000,
                                   returnAddress: ramBase,
                                   budget: CallBudget(maxInstructions: UInt64(iterations) * 4 + 100, hostTimeLimitSeconds: 600))
        let host = seconds(since: started)
        let instructions = machine.totalInstructions
        let ok = outcome == .returned(r0: peripheralBase + 0x50, r1: 0xA5) && (!storing || register.callbacks == Int(iterations))
        return BenchmarkResult(
            scenario: name, result: ok ? "ok" : "failed", deviceSeconds: clock.now.seconds, hostSeconds: host,
            guestInstructions: instructions, guestMIPS: host > 0 ? Double(instructions) / 1e6 / host : nil,
            callbacksPerSecond: storing && host > 0 ? Double(register.callbacks) / host : nil,
            peakResidentMiB: peakResidentMiB(),
            detail: ok ? (storing ? "\(register.callbacks) peripheral writes" : "\(iterations) iterations") : "the loop ended with \(outcome)")
    }
}
