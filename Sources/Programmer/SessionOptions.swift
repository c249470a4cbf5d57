import Board
import NORFlash
import VirtualTime

/// How the programmer reads the memory back after programming.
public enum VerifyMode: String, Sendable, CaseIterable {
    /// Over the debug port through the memory-mapped window (NOR_FLASH devices).
    case memoryMapped = "memory-mapped"
    /// Through the loader's own `Verify` (as with "verify while programming").
    case loader
}

/// Modes an earlier run or the application may have left the flash in.
public struct FlashLeftovers: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// QPI mode (35h): every command must come on four lines.
    public static let qpi = FlashLeftovers(rawValue: 1)
    /// 4-byte address mode (B7h): the 3-byte opcodes take four address bytes.
    public static let fourByteAddressing = FlashLeftovers(rawValue: 2)

    /// Why a leftover mode cannot exist on `part` (it has no such mode), or nil. The QPI
    /// entry is each part's own (35h ISSI/Macronix/Micron, 38h Winbond/Spansion).
    public func inapplicable(to part: FlashPart) -> String? {
        if contains(.qpi), !part.commands.contains(where: { $0.operation == .enterQPI }) {
            return "the \(part.name) has no QPI mode (no Enter QPI command in its datasheet), so no earlier run can have left it there"
        }
        if contains(.fourByteAddressing), !part.commands.contains(where: { $0.operation == .enter4ByteAddressing }) {
            return "the \(part.name) has no 4-byte address mode to enter (B7h)"
        }
        return nil
    }
}

/// Per-call limits in modeled device time. STM32CubeProgrammer does not document its own;
/// these are generous so that only a loader that is really stuck hits them.
public struct CallTimeouts: Sendable, Equatable {
    public var initialize: DeviceTime = .seconds(30)
    public var write: DeviceTime = .seconds(60)
    /// Per SectorErase call, plus `sectorEraseIncrement` for each 64 KiB it covers.
    public var sectorErase: DeviceTime = .seconds(30)
    public var sectorEraseIncrement: DeviceTime = .seconds(1.5)
    public var massErase: DeviceTime = .seconds(600)
    public var other: DeviceTime = .seconds(60)

    public init() {}
}

public struct SessionOptions: Sendable {
    public var board: Board = .defaultBoard
    /// A used board: the flash holds an earlier firmware (deterministic), not FFh.
    public var initialFlash: FlashInitialContent = .previousFirmware(seed: 0x1_5EED)
    public var flashTiming: FlashTimingProfile = .typical
    public var leftoverFlashModes: FlashLeftovers = []
    /// Programs and erases the simulated flash fails, as a worn part does (tests, fault injection).
    public var flashFaults = FlashFaultInjection()
    public var verify: VerifyMode = .memoryMapped
    /// Bytes per `Write` call. 0x10700 (67,328) is one of the sizes seen in programmer
    /// traces (cubeprogrammer-loader.md §1.4): large and not a multiple of anything useful.
    public var chunkSize: Int = 0x10700
    public var fullChipErase = false
    /// What RAM holds before the first download: not zero, so a loader that forgets to clear
    /// `.bss` shows it.
    public var ramFill: UInt8 = 0xA5
    public var timeouts = CallTimeouts()
    /// Host-side guard per call, whatever the device time: no loader can hang the tool.
    public var maxInstructionsPerCall: UInt64 = 400_000_000
    public var hostSecondsPerCall: Double = 60
    /// Re-run a failed session on zeroed RAM to tell an uninitialized `.bss` apart.
    public var diagnoseUninitializedRAM = true
    /// Test-only: registers ("PWR_SVMSR") taken out of the SoC models, to show that a
    /// failure behind a gap in the lab is reported as `lab-unmodeled`, not as the loader's.
    public var registersRemovedFromModel: [String] = []
    /// A chip failure to inject into the flash model (`--inject`).
    public var fault: FlashFault?
    /// The models' shortcuts (`STM32U5G7.fastPaths`): exact, so the same session gives the
    /// same flash commands, findings and device time either way (ExactnessTests); off only to
    /// prove that.
    public var fastPaths = true

    public init() {}
}
