import Board
import CortexM
import ELF
import FirmwareImage
import Foundation
import LoaderFile
import NORFlash
import STM32U5
import VirtualTime

/// Why a session cannot start: the inputs, not the loader's behaviour.
public enum SessionError: Error, CustomStringConvertible {
    case plan(PlanError, image: String)
    case board(String)
    case machine(MachineError)
    case buffersDoNotFit(chunkSize: Int, ram: UInt32)
    /// The loader loads but cannot run (`LoaderFile.unrunnableCodes`): named by its lint code.
    case unrunnable(loader: String, finding: Finding)
    /// Write calls smaller than a page: the programmer never sends them, and each costs a call.
    case chunkBelowPageSize(chunkSize: Int, pageSize: UInt32)

    public var description: String {
        switch self {
        case let .plan(e, image): "\(image): \(e)"
        case let .board(why): why
        case let .machine(e): "cannot build the simulated board: \(e)"
        case let .unrunnable(loader, finding): finding.rendered(file: loader)
        case let .chunkBelowPageSize(chunk, page):
            "chunk size \(chunk) is below the loader's PageSize (\(page)): the programmer writes in chunks of at least a page (0x10700 by default)"
        case let .buffersDoNotFit(chunk, ram):
            String(format: "chunk size 0x%X does not fit: the programmer places two buffers of it after the loader's stack, in %d KiB of RAM", chunk, ram / 1024)
        }
    }
}

/// Progress for a progress bar: which operation, how far.
public struct SessionProgress: Sendable {
    public var operation: String
    public var done: Int
    public var total: Int
}

/// Hosts a `.stldr` the way STM32CubeProgrammer does and records everything it sees.
///
/// For each operation (erase, program, verify through the loader) the loader is downloaded
/// afresh (only PT_LOAD file bytes; the rest of RAM keeps what it held), a `BKPT` is put at
/// the RAM base, LR = base|1, MSP = end of the downloaded bytes + 0x3FC, `Init` runs once,
/// then the operation's calls (cubeprogrammer-loader.md §1.4). The read-back is an operation
/// too: download and `Init`, then the debug port reads the memory-mapped window (NOR_FLASH)
/// or the loader's `Read` runs. ST's own BSP loaders leave memory-mapped mode off after
/// `Write` and work with the programmer, so its read-back cannot rely on the state `Write`
/// left (§2: "depends on Verify or on a fresh operation (reload + Init)").
public final class ProgrammerSession {
    public let loader: LoaderFile
    public let imageName: String
    public let plan: ProgrammingPlan
    public let options: SessionOptions
    let lintFindings: [Finding]
    /// Why the programmer cannot plan the image with this loader's StorageInfo, when a lint
    /// finding explains it (a sector table shorter than the device): the session reports that
    /// finding instead of refusing the image as bad input.
    private(set) var planRefusal: String?

    public init(loader: LoaderFile, image: FirmwareImage, imageName: String, options: SessionOptions) throws(SessionError) {
        self.loader = loader
        self.imageName = imageName
        self.options = options
        lintFindings = loader.lint()
        // Refused before any arithmetic on the loader's values: these made the session trap
        // (no downloadable bytes, a device range past 4 GiB) or blame the chunk size.
        if let finding = lintFindings.first(where: { LoaderFile.unrunnableCodes.contains($0.code) && $0.severity == .error }),
           !lintFindings.contains(where: { StorageInfoRule.unloadableCodes.contains($0.code) }) {
            throw .unrunnable(loader: loader.name, finding: finding)
        }
        if let page = loader.storageInfo?.pageSize, page > 1, options.chunkSize < Int(page) {
            throw .chunkBelowPageSize(chunkSize: options.chunkSize, pageSize: page)
        }
        let imageEnd = loader.loadSegments.filter(\.isDownloaded).map { UInt64($0.virtualAddress) + UInt64($0.memorySize) }.max() ?? UInt64(SimulatedBoard.sramBase)
        let ram = options.board.mcuDescription.programmerRAM
        let ramEnd = UInt64(ram.base) + UInt64(ram.size)
        if imageEnd + 0x400 + 0x40 + 2 * UInt64(options.chunkSize) > ramEnd {
            throw .buffersDoNotFit(chunkSize: options.chunkSize, ram: ram.size)
        }
        let info = loader.storageInfo
        let layout = SectorLayout(
            base: info?.deviceStartAddress ?? 0x9000_0000,
            regions: (info?.usedSectors ?? []).map { SectorLayout.Region(count: $0.count, size: $0.size) })
        if info == nil || layout.totalSize == 0 {
            // Nothing to plan against: the session reports the loader as unloadable.
            plan = ProgrammingPlan(eraseRuns: [], fullChipErase: false, chunks: [], internalSegments: [], requestedRanges: [])
            self.layout = layout
            return
        }
        do {
            plan = try ProgrammingPlan.make(
                segments: image.segments.map { ($0.address, $0.bytes) }, layout: layout,
                chunkSize: options.chunkSize, fullChipErase: options.fullChipErase)
        } catch {
            guard lintFindings.contains(where: { $0.severity == .error && StorageInfoRule.misusedCodes.contains($0.code) }) else {
                throw .plan(error, image: imageName)
            }
            plan = ProgrammingPlan(eraseRuns: [], fullChipErase: false, chunks: [], internalSegments: [], requestedRanges: [])
            planRefusal = "\(imageName): \(error)"
        }
        self.layout = layout
    }

    /// A session that only probes `Init` (`identify`, the part-mismatch check): no image, no plan.
    public init(probing loader: LoaderFile, options: SessionOptions) {
        self.loader = loader
        self.imageName = "(none)"
        self.options = options
        lintFindings = loader.lint()
        plan = ProgrammingPlan(eraseRuns: [], fullChipErase: false, chunks: [], internalSegments: [], requestedRanges: [])
        layout = SectorLayout(base: loader.storageInfo?.deviceStartAddress ?? 0x9000_0000, regions: [])
    }

    let layout: SectorLayout
    /// Follows the primary run from inside (the GDB server); nil for a plain session.
    public var debugger: (any SessionDebugger)?
    /// The hardware events of the last `run` that the diagnosis kept (bounded: see `Trace`);
    /// every event goes to the `traceSink` given to `run`.
    public private(set) var lastTrace: [TraceEntry] = []

    /// Runs the whole session and, if it fails, the checks that tell its root cause.
    /// `traceSink` receives every hardware event of the session as it happens (`--trace`).
    public func run(progress: ((SessionProgress) -> Void)? = nil, traceSink: TraceSink? = nil) -> SessionReport {
        let started = Date()
        let primary = execute(ramFill: options.ramFill, progress: progress, debugger: debugger, traceSink: traceSink)
        traceSink?.flush()
        lastTrace = primary.trace.entries
        var rerun: SessionRun?
        if !primary.succeeded, primary.ranLoader, options.diagnoseUninitializedRAM, options.ramFill != 0 {
            rerun = execute(ramFill: 0, progress: nil)
        }
        let context = DiagnosisContext(session: self, run: primary, zeroedRAMRun: rerun, partProbes: partProbes(after: primary))
        let findings = Diagnosis.findings(in: context)
        return primary.report(session: self, findings: findings, hostSeconds: Date().timeIntervalSince(started))
    }

    /// When `Init` failed after reading the flash's identity: `Init` again, alone on a fresh
    /// board with the same wiring, first with the board's own part (the control: if that
    /// succeeds, something else than the part made the session's `Init` fail), then with
    /// every other catalog part, so `flash-part-mismatch` can name the parts it fits.
    func partProbes(after run: SessionRun) -> [InitProbe] {
        guard !run.succeeded, let failed = run.calls.last(where: { !$0.succeeded }), failed.function == "Init",
              let board = run.board, board.identificationReads.contains(where: { $0.time <= failed.endTime }),
              let own = FlashPart.part(named: options.board.flash),
              let control = probeInit(board: options.board, part: own, permissive: false), !control.succeeded else { return [] }
        var seen: Set<String> = [options.board.flash.uppercased()]
        var probes: [InitProbe] = []
        for part in FlashPart.all where seen.insert(part.name.uppercased()).inserted {
            if let probe = probeInit(board: options.board, part: part, permissive: false) { probes.append(probe) }
        }
        return probes
    }

    func execute(ramFill: UInt8, progress: ((SessionProgress) -> Void)?, debugger: (any SessionDebugger)? = nil,
                 traceSink: TraceSink? = nil) -> SessionRun {
        let run = SessionRun(session: self, ramFill: ramFill)
        run.debugger = debugger
        run.trace.sink = traceSink
        run.perform(progress: progress)
        return run
    }
}

/// One pass of a session over a fresh board.
final class SessionRun {
    unowned let session: ProgrammerSession
    let ramFill: UInt8
    var board: SimulatedBoard?
    var calls: [CallRecord] = []
    let trace = Trace()
    var log: [String] = []
    var failure: SessionReport.Failure?
    var succeeded = false
    var ranLoader = false
    var verifyMismatch: VerifyMismatch?
    var mappedReadFailure: String?
    /// The loader's read-only bytes as downloaded, to spot a stack that grew into them.
    var imageRange: Range<UInt32> = 0..<0
    var stackTop: UInt32 = 0
    var maxStackDepth = 0
    var stackReachedImage = false
    var readOnlyDamage: (address: UInt32, symbol: String?)?
    var flashChangeBaseline = 0
    var debugger: (any SessionDebugger)?
    var debugView: SessionView?

    struct VerifyMismatch {
        var address: UInt32
        var expected: UInt8
        var actual: UInt8
        var count: Int
    }

    /// One loader call, as it went.
    struct CallRecord {
        var operation: String
        var name: String
        var function: String
        var arguments: [UInt32]
        var outcome: CallOutcome
        var startTime: DeviceTime
        var endTime: DeviceTime
        var instructions: UInt64
        var result: UInt64?
        var succeeded: Bool
        var registers: RegisterSnapshot?
        /// SysTick CTRL/VAL reads while SysTick was off, during this call.
        var sysTickReadsWhileDisabled: UInt64 = 0
        /// DWT CYCCNT reads while the cycle counter was stopped, during this call.
        var cycleCounterReadsWhileStopped: UInt64 = 0
        /// The board's OCTOSPI was in memory-mapped mode (CR.FMODE=11) when the call began / ended.
        var memoryMappedAtStart = false
        var memoryMappedAtEnd = false
        /// Device registers the call read over and over with the same value, longest first.
        var polls: [PollRun] = []
    }

    init(session: ProgrammerSession, ramFill: UInt8) {
        self.session = session
        self.ramFill = ramFill
    }

    var options: SessionOptions { session.options }
    var loader: LoaderFile { session.loader }
    var plan: ProgrammingPlan { session.plan }

    static let paint: UInt8 = 0xCD

    func perform(progress: ((SessionProgress) -> Void)?) {
        let info = loader.storageInfo
        let externalBytes = plan.chunks.reduce(0) { $0 + $1.count }
        let internalBytes = plan.internalSegments.reduce(0) { $0 + $1.bytes.count }
        log.append("Opening and parsing file: \(session.imageName)")
        log.append("  File          : \(session.imageName)")
        log.append(String(format: "  Size          : %.2f KB", Double(externalBytes + internalBytes) / 1024))
        let firstAddress = (plan.internalSegments.map(\.address) + plan.chunks.map(\.address)).min() ?? 0
        log.append(String(format: "  Address       : 0x%08X", firstAddress))

        // The programmer refuses a loader it cannot parse before it touches the target.
        let fatal = session.lintFindings.filter { StorageInfoRule.unloadableCodes.contains($0.code) }
        if let first = fatal.first {
            log.append("Error: External loader \(loader.name) cannot be loaded")
            failure = .init(call: "loading \(loader.name)", pc: nil, symbol: nil, description: first.message)
            return
        }
        guard let info else { return }
        if let why = session.planRefusal {
            log.append("Error: the data does not fit the external memory the loader describes")
            failure = .init(call: "planning \(session.imageName)", pc: nil, symbol: nil, description: why)
            return
        }

        let flash = NORFlash(part: FlashPart.part(named: options.board.flash) ?? .is25lp512m,
                             content: options.initialFlash, timing: options.flashTiming)
        applyLeftovers(to: flash)
        flash.faults = options.flashFaults
        flash.fault = options.fault
        let board: SimulatedBoard
        do {
            board = try SimulatedBoard(board: options.board, flash: flash, fastPaths: options.fastPaths)
        } catch {
            failure = .init(call: "setup", pc: nil, symbol: nil, description: "\(error)")
            return
        }
        self.board = board
        for name in session.options.registersRemovedFromModel { board.soc.removeFromModel(name) }
        board.machine.symbols = loader.elf.symbols
            .filter { $0.kind == .function && $0.isDefined }
            .map { MachineSymbol(name: $0.name, address: $0.value & ~1, size: $0.size) }
        try? board.machine.fill(ramFill, range: SimulatedBoard.sramBase..<(SimulatedBoard.sramBase + board.ramSize))
        for segment in plan.internalSegments { try? board.machine.writeMemory(segment.bytes, at: segment.address) }
        flashChangeBaseline = flash.changes.count
        _ = board.drainEvents(call: nil)
        debugView = SessionView(run: self)
        if let debugView { debugger?.sessionBoardReady(board, view: debugView) }

        // Erase.
        if !plan.internalSegments.isEmpty {
            log.append("Erasing memory corresponding to segment 0:")
            log.append("Erasing internal memory sectors [0 \(max(0, (internalBytes + 0x1FFF) / 0x2000 - 1))]")
        }
        guard download(operation: "erase") else { return }
        // Init itself may read the .bss it never cleared: the zeroed-RAM rerun covers it too.
        ranLoader = true
        guard callInit(operation: "erase") else { return }
        if plan.fullChipErase {
            log.append("Mass erase ...")
            let ok = invoke("erase", "MassErase", label: "MassErase", [0], limit: options.timeouts.massErase)
            guard ok else { return fail(logLine: "Error: Mass erase operation failed. Please verify flash protection") }
            log.append("Mass erase successfully achieved")
        } else {
            for (i, run) in plan.eraseRuns.enumerated() {
                if i == 0 { log.append("Erasing memory corresponding to segment \(plan.internalSegments.isEmpty ? 0 : 1):") }
                log.append("Erasing external memory sectors [\(run.firstIndex) \(run.lastIndex)]")
                let blocks = UInt64((UInt64(run.end) - UInt64(run.start) + 1 + 0xFFFF) / 0x10000)
                let limit = options.timeouts.sectorErase + DeviceTime(picoseconds: options.timeouts.sectorEraseIncrement.picoseconds &* blocks)
                progress?(SessionProgress(operation: "erase", done: i, total: plan.eraseRuns.count))
                let label = plan.eraseRuns.count > 1 ? "SectorErase#\(i + 1)" : "SectorErase"
                guard invoke("erase", "SectorErase", label: label, [run.start, run.end], limit: limit) else {
                    return fail(logLine: "Error: failed to erase memory")
                }
            }
        }

        // Program.
        log.append("Download in Progress:")
        guard download(operation: "program"), callInit(operation: "program") else { return }
        let buffers = bufferAddresses()
        for (i, chunk) in plan.chunks.enumerated() {
            progress?(SessionProgress(operation: "program", done: i, total: plan.chunks.count))
            let buffer = buffers[i % 2]
            try? board.machine.writeMemory(chunk.bytes, at: buffer)
            guard invoke("program", "Write", label: "Write#\(i + 1)", [chunk.address, UInt32(chunk.count), buffer],
                         limit: options.timeouts.write) else {
                let sector = session.layout.sector(containing: UInt64(chunk.address &- session.layout.base))?.index ?? 0
                return fail(logLine: "Error: failed to download Sector[\(sector)]")
            }
        }
        progress?(SessionProgress(operation: "program", done: plan.chunks.count, total: plan.chunks.count))
        log.append("File download complete")

        // Verify.
        log.append("Verifying ...")
        switch options.verify {
        case .memoryMapped where info.deviceType == 3:
            verifyThroughWindow()
        case .memoryMapped:
            verifyThroughRead()
        case .loader:
            verifyThroughLoader()
        }
        if verifyMismatch == nil, mappedReadFailure == nil, failure == nil {
            log.append("Download verified successfully")
            succeeded = true
        }
        trace.append(board.drainEvents(call: nil))
    }

    private func fail(logLine: String) {
        log.append(logLine)
        if failure == nil, let last = calls.last {
            // A call that returned stopped on the programmer's BKPT: that PC says nothing.
            var pc = last.registers?.pc
            switch last.outcome {
            case .returned: pc = nil
            case .faulted(let fault): pc = fault.pc
            default: break
            }
            failure = .init(call: last.name, pc: pc, symbol: symbolName(pc), description: describe(last))
        }
    }

    func symbolName(_ pc: UInt32?) -> String? {
        guard let pc else { return nil }
        return loader.elf.symbolize(address: pc).map { $0.offset == 0 ? $0.name : "\($0.name)+0x\(String($0.offset, radix: 16))" }
    }

    private func applyLeftovers(to flash: NORFlash) {
        options.leftoverFlashModes.apply(to: flash)
    }

    /// Writes the loader as the programmer does: BKPT at the RAM base, then every PT_LOAD
    /// segment's file bytes (never `.bss`, never StorageInfo's segment).
    private func download(operation: String) -> Bool {
        guard let board else { return false }
        let segments = loader.loadSegments.filter(\.isDownloaded)
        var end: UInt32 = SimulatedBoard.sramBase + 4
        var memoryEnd: UInt32 = end
        var start: UInt32 = .max
        if segments.isEmpty { start = end }
        for segment in segments {
            do {
                try board.machine.writeMemory(segment.bytes, at: segment.virtualAddress)
            } catch {
                log.append("Error: failed to download the external loader")
                failure = .init(call: "download (\(operation))", pc: nil, symbol: nil,
                                description: String(format: "segment %d at 0x%08X (%d bytes) does not fit in the target's RAM: %@",
                                                    segment.index, segment.virtualAddress, segment.bytes.count, "\(error)"))
                return false
            }
            end = max(end, segment.virtualAddress &+ UInt32(segment.bytes.count))
            memoryEnd = max(memoryEnd, segment.virtualAddress &+ segment.memorySize)
            start = min(start, segment.virtualAddress)
        }
        // The zeroed-RAM rerun gives the loader what a startup file would: .bss zero before
        // every operation, not only the first (RAM keeps the previous operation's values).
        if ramFill == 0, memoryEnd > end { try? board.machine.fill(0, range: end..<memoryEnd) }
        try? board.machine.writeMemory([0x00, 0xBE, 0x00, 0x00], at: SimulatedBoard.sramBase)
        // Allocated NOBITS sections no program header covers (IAR's "P1-P2 ui" .noinit) are
        // the loader's own variables past its download, not stack: the paint starts above them.
        for section in loader.elf.sections where section.type == 8 && section.flags & 0x2 != 0 && section.size > 0
            && section.address >= end && section.address < end &+ 0x3FC {
            memoryEnd = max(memoryEnd, section.address &+ section.size)
        }
        // MSP comes from the downloaded bytes; a NOBITS .bss beyond them shares the stack's
        // kilobyte, and the stack overflows when it grows below the loader's whole footprint.
        imageRange = start..<max(end, memoryEnd)
        stackTop = end &+ 0x3FC
        // Paint the stack the programmer leaves (probe-rs does the same) to measure its use.
        let paintStart = (imageRange.upperBound + 3) & ~3
        if paintStart < stackTop { try? board.machine.fill(Self.paint, range: paintStart..<stackTop) }
        return true
    }

    private func bufferAddresses() -> [UInt32] {
        // Right after the stack, where the programmer's traces show its 0x200-byte write.
        let a = (stackTop &+ 0x34 &+ 15) & ~15
        let b = (a &+ UInt32(options.chunkSize) &+ 15) & ~15
        return [a, b]
    }

    private func callInit(operation: String) -> Bool {
        guard invoke(operation, "Init", label: "Init", [], limit: options.timeouts.initialize) else {
            let timedOut: Bool
            if case .deviceTimeExceeded = calls.last?.outcome { timedOut = true } else { timedOut = false }
            fail(logLine: timedOut ? "Error: Init function fail with timeout" : "Error: Init function fail")
            return false
        }
        return true
    }

    /// Calls one entry point; returns whether the programmer would carry on.
    @discardableResult
    func invoke(_ operation: String, _ function: String, label: String, _ arguments: [UInt32], limit: DeviceTime) -> Bool {
        guard let board else { return false }
        guard let entry = loader.entryPoint(named: function) else {
            calls.append(CallRecord(operation: operation, name: label, function: function, arguments: arguments,
                                    outcome: .faulted(Fault(kind: .hardFault("the loader has no \(function)"), pc: 0, symbol: nil)),
                                    startTime: board.clock.now, endTime: board.clock.now, instructions: 0, result: nil,
                                    succeeded: false, registers: nil))
            failure = .init(call: label, pc: nil, symbol: nil, description: "the loader exports no \(function) function")
            return false
        }
        let start = board.clock.now
        let before = board.machine.totalInstructions
        let sysTickBefore = board.machine.systemControl.sysTick.readsWhileDisabled
        let cycleCounterBefore = board.machine.dwt.readsWhileStopped
        let controller = options.board.octospi.instance == 2 ? board.soc.octospi2 : board.soc.octospi1
        let mappedBefore = controller.fmode == 3
        let debugCall = SessionCall(index: calls.count, label: label, function: function, operation: operation,
                                    arguments: arguments, entry: entry.address)
        debugView?.callStart = start
        debugger?.sessionCallWillStart(debugCall)
        // A call that polls the flash for seconds makes millions of events: they go into the
        // bounded trace while it runs, not all at its end.
        let callIndex = calls.count
        board.soc.log.onBacklog = { [unowned self, unowned board] in
            self.trace.append(board.drainEvents(call: callIndex), closesSegment: false)
        }
        defer { board.soc.log.onBacklog = nil }
        let outcome = board.machine.call(
            entry.address, arguments: arguments, stackPointer: stackTop, returnAddress: SimulatedBoard.sramBase,
            budget: CallBudget(maxInstructions: options.maxInstructionsPerCall, deviceTimeLimit: limit,
                               hostTimeLimitSeconds: options.hostSecondsPerCall))
        debugger?.sessionCallEnded(debugCall, outcome: outcome)
        let index = calls.count
        var result: UInt64?
        var ok = false
        if case .returned(let r0, let r1) = outcome {
            if function == "Verify" {
                result = UInt64(r1) << 32 | UInt64(r0)
                ok = r0 == 0
            } else {
                result = UInt64(r0)
                // The programmer reads R0 and treats anything but 0 as success (a negative
                // BSP code from ST's own Init passes): the diagnosis flags odd values.
                ok = r0 != 0
            }
        }
        calls.append(CallRecord(operation: operation, name: label, function: function, arguments: arguments, outcome: outcome,
                                startTime: start, endTime: board.clock.now,
                                instructions: board.machine.totalInstructions &- before, result: result, succeeded: ok,
                                registers: board.machine.lastRegisters,
                                sysTickReadsWhileDisabled: board.machine.systemControl.sysTick.readsWhileDisabled &- sysTickBefore,
                                cycleCounterReadsWhileStopped: board.machine.dwt.readsWhileStopped &- cycleCounterBefore,
                                memoryMappedAtStart: mappedBefore, memoryMappedAtEnd: controller.fmode == 3,
                                polls: Array(board.machine.pollRuns(minimum: 8).prefix(3))))
        trace.append(board.drainEvents(call: index))
        inspectStack(after: index)
        return ok
    }

    /// Measures the stack from the paint and checks the loader's read-only bytes.
    private func inspectStack(after call: Int) {
        guard let board else { return }
        let paintStart = (imageRange.upperBound + 3) & ~3
        if paintStart < stackTop, let bytes = try? board.machine.readMemory(at: paintStart, count: Int(stackTop - paintStart)) {
            if let lowest = bytes.firstIndex(where: { $0 != Self.paint }) {
                maxStackDepth = max(maxStackDepth, Int(stackTop) - (Int(paintStart) + lowest))
                if lowest == 0 { stackReachedImage = true }
            }
        }
        if let sp = calls[call].registers?.sp, sp < imageRange.upperBound, sp >= imageRange.lowerBound {
            stackReachedImage = true
            maxStackDepth = max(maxStackDepth, Int(stackTop) - Int(sp))
        }
        if readOnlyDamage == nil {
            for section in loader.elf.sections where section.flags & 0x2 != 0 && section.flags & 0x1 == 0 && section.type == 1 && section.size > 0 {
                guard imageRange.contains(section.address) else { continue }
                let original = loader.elf.fileBytes(of: section)
                guard let now = try? board.machine.readMemory(at: section.address, count: original.count) else { continue }
                if let i = original.indices.first(where: { $0 < now.count && original[$0] != now[$0] }) {
                    let address = section.address + UInt32(i)
                    readOnlyDamage = (address, loader.elf.symbols.first { $0.value & ~1 <= address && address < ($0.value & ~1) + max($0.size, 1) }?.name)
                    break
                }
            }
        }
    }

    private func verifyThroughWindow() {
        guard let board, download(operation: "verify"), callInit(operation: "verify") else { return }
        for chunk in plan.chunks {
            switch board.soc.debugRead(address: chunk.address, count: chunk.count) {
            case .success(let bytes):
                if compare(expected: chunk.bytes, actual: bytes, at: chunk.address) { return }
            case .failure(let error):
                mappedReadFailure = "\(error)"
                log.append(String(format: "Error: failed to read memory at address 0x%08X", chunk.address))
                return
            }
        }
    }

    private func verifyThroughRead() {
        guard let board, download(operation: "verify"), callInit(operation: "verify") else { return }
        let buffer = bufferAddresses()[0]
        for (i, chunk) in plan.chunks.enumerated() {
            guard invoke("verify", "Read", label: "Read#\(i + 1)", [chunk.address, UInt32(chunk.count), buffer], limit: options.timeouts.other) else {
                return fail(logLine: String(format: "Error: failed to read memory at address 0x%08X", chunk.address))
            }
            let bytes = (try? board.machine.readMemory(at: buffer, count: chunk.count)) ?? []
            if compare(expected: chunk.bytes, actual: bytes, at: chunk.address) { return }
        }
    }

    private func verifyThroughLoader() {
        guard let board else { return }
        guard download(operation: "verify"), callInit(operation: "verify") else { return }
        let buffer = bufferAddresses()[0]
        for (i, chunk) in plan.chunks.enumerated() {
            let head = Int(chunk.address & 3)
            let words = (head + chunk.count + 3) / 4
            let tail = words * 4 - head - chunk.count
            var padded = [UInt8](repeating: 0xFF, count: head) + chunk.data
            padded += [UInt8](repeating: 0xFF, count: tail)
            try? board.machine.writeMemory(padded, at: buffer)
            let missalignment = UInt32(head) | UInt32(tail) << 16
            _ = invoke("verify", "Verify", label: "Verify#\(i + 1)", [chunk.address & ~3, buffer, UInt32(words), missalignment],
                       limit: options.timeouts.other)
            guard let last = calls.last, case .returned(let r0, _) = last.outcome else {
                return fail(logLine: "Error: Verify function fail")
            }
            if r0 != 0 {
                let offset = Int(r0 &- chunk.address)
                let actual = board.flash.read(address: r0 &- session.layout.base, count: 1).first ?? 0
                let expected = (0..<chunk.count).contains(offset) ? chunk.data[chunk.data.startIndex + offset] : 0
                verifyMismatch = VerifyMismatch(address: r0, expected: expected, actual: actual, count: 1)
                log.append(String(format: "Error: data mismatch found at address  0x%08X (byte = 0x%02X instead of 0x%02X)", r0, actual, expected))
                return
            }
        }
    }

    /// Records the first difference; true when there was one.
    private func compare(expected: [UInt8], actual: [UInt8], at address: UInt32) -> Bool {
        guard expected != actual else { return false }
        let i = expected.indices.first { $0 >= actual.count || expected[$0] != actual[$0] } ?? min(expected.count, actual.count)
        let count = zip(expected, actual).reduce(0) { $0 + ($1.0 != $1.1 ? 1 : 0) }
        let exp = i < expected.count ? expected[i] : 0
        let act = i < actual.count ? actual[i] : 0
        verifyMismatch = VerifyMismatch(address: address + UInt32(i), expected: exp, actual: act, count: count)
        log.append(String(format: "Error: data mismatch found at address  0x%08X (byte = 0x%02X instead of 0x%02X)", address + UInt32(i), act, exp))
        return true
    }

    func describe(_ call: CallRecord) -> String {
        switch call.outcome {
        case .returned(let r0, _):
            return "\(call.function) returned \(r0) (0 means failure to the programmer)"
        case .faulted(let fault):
            return fault.description
        case .budgetExhausted(let n, let hot):
            return "still running after \(n) instructions; spinning at \(hot.first.map(\.description) ?? "?")"
        case .deviceTimeExceeded(let limit, let hot):
            return "still running after \(limit) of device time; spinning at \(hot.first.map(\.description) ?? "?")"
        case .hostTimeExceeded(let s, let hot):
            return "stopped by the host guard after \(s) s; spinning at \(hot.first.map(\.description) ?? "?")"
        case .exceptionTaken(let entry):
            return entry.description
        case .resetRequested(let pc):
            return String(format: "requested a system reset (AIRCR.SYSRESETREQ) at 0x%08X: the programmer loses the core", pc)
        }
    }
}
