import CortexM
import GDBServer
import NORFlash
import Programmer
import STM32U5
import VirtualTime

/// The simulated board as GDB sees it: the Cortex-M33's registers (with the FPU), its
/// memory without side effects, breakpoints and watchpoints through the machine's debug
/// hooks, and LoaderLab's monitor commands.
final class BoardDebugTarget: DebugTarget {
    let board: SimulatedBoard
    let monitorCommands: MonitorCommands
    var machine: Machine { board.machine }
    /// Shown as the PC while halted on a fault (Unicorn may have moved past it).
    var faultPC: UInt32?

    init(board: SimulatedBoard, monitor: MonitorCommands) {
        self.board = board
        monitorCommands = monitor
    }

    let registers = TargetDescription.cortexM33

    private static let core: [CoreRegister] = [.r0, .r1, .r2, .r3, .r4, .r5, .r6, .r7, .r8, .r9, .r10, .r11, .r12, .sp, .lr, .pc, .xpsr,
                                               .msp, .psp, .primask, .basepri, .faultmask, .control]
    private static let firstDouble = core.count
    private static let fpscrNumber = firstDouble + 16

    private static func bytes32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    private static func bytes64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    private static func value(_ bytes: [UInt8]) -> UInt64 { bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) } }

    func readRegister(_ number: Int) -> [UInt8]? {
        if number < Self.core.count {
            let register = Self.core[number]
            if register == .pc, let faultPC { return Self.bytes32(faultPC) }
            return Self.bytes32(machine.readRegister(register))
        }
        if number < Self.fpscrNumber { return Self.bytes64(machine.readDoubleRegister(number - Self.firstDouble)) }
        if number == Self.fpscrNumber { return Self.bytes32(machine.fpscr) }
        return nil
    }

    func writeRegister(_ number: Int, bytes: [UInt8]) -> Bool {
        if number < Self.core.count {
            // Unicorn 2.0.1 ends the emulation when the PC is written from a hook, which
            // would end the call: the debugger may look at the PC, not move it.
            guard bytes.count == 4, Self.core[number] != .pc else { return false }
            machine.writeRegister(Self.core[number], UInt32(Self.value(bytes)))
            return true
        }
        if number < Self.fpscrNumber {
            guard bytes.count == 8 else { return false }
            machine.writeDoubleRegister(number - Self.firstDouble, Self.value(bytes))
            return true
        }
        if number == Self.fpscrNumber, bytes.count == 4 {
            machine.fpscr = UInt32(Self.value(bytes))
            return true
        }
        return false
    }

    /// The board's OCTOSPI memory windows, read from the flash array (no bus transaction, no
    /// event) when the OCTOSPI serves memory-mapped reads, as a debugger would see them.
    private func windowRead(address: UInt32, count: Int) -> Result<[UInt8], DebugAccessError>? {
        let windows: [(OCTOSPIWindow, OCTOSPI)] = [(board.soc.window1, board.soc.octospi1), (board.soc.window2, board.soc.octospi2)]
        for (window, controller) in windows where address >= window.base && UInt64(address) < UInt64(window.base) + UInt64(OCTOSPIWindow.size) {
            let instance = board.board.octospi.instance
            guard controller.instance == instance, controller.fmode == 3 else {
                return .failure(.unreadableRegister(address: address, name: "\(controller.name) memory window (not memory-mapped now: a read would be a bus error)"))
            }
            let offset = address - window.base
            guard UInt64(offset) + UInt64(count) <= UInt64(board.flash.part.size) else { return .failure(.unmapped(address: address)) }
            return .success(board.flash.read(address: offset, count: count))
        }
        return nil
    }

    func readMemory(address: UInt32, count: Int) -> Result<[UInt8], DebugAccessError> {
        if let window = windowRead(address: address, count: count) { return window }
        switch machine.debugRead(at: address, count: count) {
        case .success(let bytes): return .success(bytes)
        case .failure(.unmapped(let a)): return .failure(.unmapped(address: a))
        case .failure(.notReadable(let a, let name)): return .failure(.unreadableRegister(address: a, name: name))
        }
    }

    func writeMemory(address: UInt32, bytes: [UInt8]) -> Result<Void, DebugAccessError> {
        do {
            guard try machine.debugWrite(bytes, at: address) else {
                return .failure(.readOnly(address: address, what: "code the core has executed"))
            }
            return .success(())
        } catch {
            return .failure(.readOnly(address: address, what: machine.peripheral(at: address)?.peripheral.name ?? "this address"))
        }
    }

    var memoryMap: [MemoryMapRegion] {
        machine.regions.map { region in
            if region.kind == .ram, region.base == SimulatedBoard.internalFlash.lowerBound {
                return MemoryMapRegion(kind: .flash, start: region.base, length: region.size, blockSize: 0x2000, name: region.name)
            }
            return MemoryMapRegion(kind: .ram, start: region.base, length: region.size, name: region.name)
        }
    }

    func insert(_ point: StopPoint) -> Bool {
        switch point.kind {
        case .software: machine.setBreakpoint(at: point.address, hardware: false)
        case .hardware: machine.setBreakpoint(at: point.address, hardware: true)
        case .write: machine.setWatchpoint(.write, address: point.address, length: point.length)
        case .read: machine.setWatchpoint(.read, address: point.address, length: point.length)
        case .access: machine.setWatchpoint(.access, address: point.address, length: point.length)
        }
        return true
    }

    func remove(_ point: StopPoint) -> Bool {
        switch point.kind {
        case .software: machine.removeBreakpoint(at: point.address, hardware: false)
        case .hardware: machine.removeBreakpoint(at: point.address, hardware: true)
        case .write: machine.removeWatchpoint(.write, address: point.address, length: point.length)
        case .read: machine.removeWatchpoint(.read, address: point.address, length: point.length)
        case .access: machine.removeWatchpoint(.access, address: point.address, length: point.length)
        }
        // z for a point already gone is not an error to GDB.
        return true
    }

    func monitor(_ command: String) -> String { monitorCommands.run(command) }
}
