import Board
import ELF
import Foundation

/// Makes a loader for another board out of the LoaderLab loader by patching two data objects
/// found through the ELF symbol table, and nothing else:
///
/// ```
///  base .stldr ──► BoardConfig (48 bytes, in the downloaded segment) ◄── the board's wiring + clock
///              └─► StorageInfo (200 bytes, .Dev_info)               ◄── DeviceName = output stem,
///                                                                       window base, flash geometry
/// ```
///
/// The result is read back as a `LoaderFile` and linted; any error finding refuses it.
public struct LoaderPatcher: Sendable {
    /// Where `bash Firmware/build.sh` writes the loader, relative to the repository root.
    public static let defaultBasePath = "build/IS25LP512M_STM32U5G7.stldr"
    /// The quad+octal build (Firmware/build.sh, Swift condition OCTAL; 10 KiB instead of 8):
    /// the base for a board whose flash is wired octal. Its own BoardConfig says octal.
    public static let octalBasePath = "build/MX25LM51245G_STM32U5A9.stldr"

    /// The base `make-loader` starts from when none is named: the quad build for a quad
    /// board (the smaller image), the quad+octal build for an octal one.
    public static func defaultBasePath(for board: Board) -> String {
        board.isOctal ? octalBasePath : defaultBasePath
    }
    public static let outputExtension = ".stldr"

    public let baseName: String
    public let baseBytes: [UInt8]

    public init(baseBytes: [UInt8], baseName: String) {
        self.baseBytes = baseBytes
        self.baseName = baseName
    }

    /// Reads the base loader from `path` (its name in messages is the path as given).
    public init(basePath: String) throws(LoaderPatchError) {
        switch FileReading.bytes(atPath: basePath, limit: FileReading.loaderLimit) {
        case .success(let bytes): self.init(baseBytes: bytes, baseName: basePath)
        case .failure(let failure): throw .baseUnreadable(.unreadable(path: basePath, reason: failure.reason))
        }
    }

    /// `StorageInfo.DeviceStartAddress` for the OCTOSPI that drives the flash: the base of its
    /// memory-mapped window (RM0456 memory map; `stm32u5g7xx.h` OCTOSPI1_BASE, OCTOSPI2_BASE).
    public static func deviceStartAddress(instance: Int) -> UInt32? {
        switch instance {
        case 1: 0x9000_0000
        case 2: 0x7000_0000
        default: nil
        }
    }

    /// The loader for `board`, to be saved as `outputName` (a file name or path ending in
    /// `.stldr`; its stem becomes `DeviceName`). `boardFile` names the board in messages.
    public func patch(board: Board, outputName: String, boardFile: String = "board") throws(LoaderPatchError) -> PatchedLoader {
        let fileName = (outputName as NSString).lastPathComponent
        let stem = try Self.deviceName(forOutput: fileName)

        try Self.check(board: board, file: boardFile)
        let base: LoaderFile
        do {
            base = try LoaderFile(bytes: baseBytes, name: baseName)
        } catch {
            throw .baseUnreadable(error)
        }
        let (boardConfigRange, version, baseFlags) = try Self.boardConfigRange(in: base)
        guard let geometry = FlashGeometry.forPart(board.flash) else {
            throw .unsupportedBoard(file: boardFile, reason: "flash: no geometry known for \(board.flash) (StorageInfo needs its size and sectors)")
        }
        guard let block = BoardConfigBlock(board: board, version: version),
              let start = Self.deviceStartAddress(instance: board.octospi.instance)
        else {
            let needsV2 = BoardConfigBlock(board: board) != nil
            throw .unsupportedBoard(file: boardFile, reason: needsV2
                ? "\(baseName) carries a BoardConfig v1 block, which cannot say that \(board.mcu) has no OCTOSPIM or that the flash is octal; build the current loader (bash Firmware/build.sh)"
                : "the board cannot be expressed as a BoardConfig block (instance, pins or flash part out of range)")
        }
        // Only the quad+octal build drives an octal part; it is the one whose own block is octal.
        guard block.flags & BoardConfigBlock.flagOctal == 0 || baseFlags & BoardConfigBlock.flagOctal != 0 else {
            throw .unsupportedBoard(file: boardFile, reason: "\(board.flash) is wired octal (IO4-IO7); \(baseName) is the quad build, whose Init returns 0 on an octal board: start from \(Self.octalBasePath) (the quad+octal build of bash Firmware/build.sh)")
        }
        let (storageInfoRange, oldInfo) = try Self.storageInfo(in: base)
        guard !boardConfigRange.overlaps(storageInfoRange) else {
            throw .storageInfoUnusable(file: baseName, reason: "it overlaps BoardConfig at file offset \(hex(boardConfigRange.lowerBound))")
        }

        var info = oldInfo
        info.deviceName = stem
        info.deviceStartAddress = start
        info.deviceSize = geometry.deviceSize
        info.pageSize = geometry.pageSize
        info.eraseValue = geometry.eraseValue
        info.sectors = StorageInfo(
            deviceName: "", deviceType: 0, deviceStartAddress: 0, deviceSize: 0, pageSize: 0, sectors: geometry.sectors
        ).sectors

        var bytes = baseBytes
        bytes.replaceSubrange(boardConfigRange, with: block.encoded())
        bytes.replaceSubrange(storageInfoRange, with: info.encoded())

        let loader: LoaderFile
        do {
            loader = try LoaderFile(bytes: bytes, name: fileName)
        } catch {
            throw .baseUnreadable(error)
        }
        let findings = loader.lint()
        let errors = findings.filter { $0.severity == .error }
        guard errors.isEmpty else { throw .lintErrors(file: fileName, findings: errors) }
        return PatchedLoader(
            bytes: bytes, loader: loader, boardConfig: block, storageInfo: info,
            boardConfigRange: boardConfigRange, storageInfoRange: storageInfoRange, findings: findings
        )
    }

    // MARK: Checks

    /// The stem of `fileName`, which becomes DeviceName: CubeProgrammer 2.18+ refuses a loader
    /// whose DeviceName differs from its file stem, and the field holds 99 bytes plus a NUL.
    public static func deviceName(forOutput fileName: String) throws(LoaderPatchError) -> String {
        guard fileName.hasSuffix(outputExtension) else {
            throw .badOutputName(name: fileName, reason: "the file name must end in \(outputExtension), which is what CubeProgrammer looks for")
        }
        let stem = String(fileName.dropLast(outputExtension.count))
        guard !stem.isEmpty else {
            throw .badOutputName(name: fileName, reason: "the name before \(outputExtension) is empty; it becomes StorageInfo.DeviceName")
        }
        if let bad = stem.unicodeScalars.first(where: { $0.value < 0x20 || $0.value > 0x7E }) {
            throw .badOutputName(name: fileName, reason: "\"\(stem)\" contains U+\(String(bad.value, radix: 16, uppercase: true)); DeviceName must be printable ASCII")
        }
        let limit = StorageInfo.deviceNameCapacity - 1
        guard stem.utf8.count <= limit else {
            throw .badOutputName(name: fileName, reason: "the stem is \(stem.utf8.count) bytes; DeviceName holds at most \(limit) (100 with the NUL)")
        }
        return stem
    }

    private static func check(board: Board, file: String) throws(LoaderPatchError) {
        do {
            try board.validate(file: file)
        } catch {
            throw .board(error)
        }
        // Our loader routes one OCTOSPIM port (IOL, and IOH for octal, each from the same
        // nibble) and programs in quad: a board beyond that would get a loader that cannot work.
        guard board.wiresQuadData else {
            throw .unsupportedBoard(file: file, reason: "pins: the board wires only the flash's IO0 and IO1 (no io2/io3); our loader erases and programs over four lines")
        }
        guard board.isWiredInOrderOnOnePort else {
            let elsewhere = FlashSignal.allCases.compactMap { s in
                board.carrier(of: s).flatMap { c in c.port != board.octospi.port || c.signal != s ? "\(s) on \(c.pin) (port \(c.port) \(c.signal))" : nil }
            }
            throw .unsupportedBoard(file: file, reason: "pins: our loader drives every signal through OCTOSPIM port \(board.octospi.port), each flash line on the port's own line; this board has " + elsewhere.joined(separator: ", "))
        }
        guard let divider = UInt16(exactly: board.clock.octospiDivider),
              let problem = LoaderClockRules.problem(sysclkHz: board.clock.sysclkHz, octospiDivider: divider)
        else { return }
        throw .unsupportedBoard(file: file, reason: "clock: \(problem)")
    }

    /// The file bytes of `BoardConfig` and the block's version, which must already hold a valid
    /// v1 (48-byte) or v2 (80-byte) block: a file without one is not our loader, and patching
    /// bytes found only by name could break someone's code.
    private static func boardConfigRange(in loader: LoaderFile) throws(LoaderPatchError) -> (Range<Int>, UInt16, UInt32) {
        let elf = loader.elf
        let file = loader.name
        guard let symbol = elf.symbol(named: "BoardConfig"), symbol.isDefined else {
            throw .notALoaderLabLoader(file: file, reason: "the symbol table defines no BoardConfig")
        }
        guard symbol.kind == .object, symbol.size == UInt32(BoardConfigBlock.size) || symbol.size == UInt32(BoardConfigBlock.sizeV2) else {
            throw .notALoaderLabLoader(file: file, reason: "BoardConfig is \(symbol.kind == .object ? "a data object" : "not a data object") of \(symbol.size) bytes; expected an OBJECT of \(BoardConfigBlock.size) (v1) or \(BoardConfigBlock.sizeV2) (v2)")
        }
        let size = Int(symbol.size)
        // Init reads the block from RAM, so its bytes must be in a downloaded PT_LOAD segment;
        // the section and the segment must agree on where they are.
        guard let offset = elf.fileOffset(of: symbol), elf.fileOffset(ofVirtualAddress: symbol.value) == offset,
              let end = elf.fileOffset(ofVirtualAddress: symbol.value &+ UInt32(size - 1)),
              end == offset + size - 1
        else {
            throw .notALoaderLabLoader(file: file, reason: "BoardConfig at \(hexAddress(symbol.value)) has no \(size) file bytes inside a loaded segment")
        }
        let range = offset..<(offset + size)
        let block: BoardConfigBlock
        do {
            block = try BoardConfigBlock(decoding: Array(elf.bytes[range]), file: file, fileOffset: offset)
        } catch {
            throw .notALoaderLabLoader(file: file, reason: error.description)
        }
        guard Int(block.length) == size else {
            throw .notALoaderLabLoader(file: file, reason: "BoardConfig is \(size) bytes but holds a v\(block.version) block of \(block.length)")
        }
        return (range, block.version, block.flags)
    }

    private static func storageInfo(in loader: LoaderFile) throws(LoaderPatchError) -> (Range<Int>, StorageInfo) {
        let file = loader.name
        guard let symbol = loader.storageInfoSymbol else {
            throw .storageInfoUnusable(file: file, reason: "the symbol table defines no StorageInfo")
        }
        guard let offset = loader.storageInfoFileOffset, let bytes = loader.storageInfoBytes,
              symbol.size == UInt32(StorageInfo.size), bytes.count == StorageInfo.size
        else {
            throw .storageInfoUnusable(file: file, reason: "StorageInfo is \(symbol.size) bytes (\(loader.storageInfoBytes?.count ?? 0) in the file); expected \(StorageInfo.size)")
        }
        do {
            return (offset..<(offset + StorageInfo.size), try StorageInfo(decoding: bytes))
        } catch {
            throw .storageInfoUnusable(file: file, reason: error.description)
        }
    }
}

/// A patched loader: its bytes, the file read back, what was written where, and the lint
/// findings (warnings and notes only; errors refuse the patch).
public struct PatchedLoader: Sendable {
    public var bytes: [UInt8]
    public var loader: LoaderFile
    public var boardConfig: BoardConfigBlock
    public var storageInfo: StorageInfo
    /// The file offsets that differ from the base loader can only lie in these two ranges.
    public var boardConfigRange: Range<Int>
    public var storageInfoRange: Range<Int>
    public var findings: [Finding]
}
