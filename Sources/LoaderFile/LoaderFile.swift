import ELF
import Foundation

/// A `.stldr` read the way STM32CubeProgrammer reads it: an ELF whose global symbols name the
/// 200-byte `StorageInfo` and the entry points, and whose `PT_LOAD` file bytes are downloaded
/// to target RAM (cubeprogrammer-loader.md §1.1, §1.4).
///
/// Everything is keyed on symbols, never on section names, because those differ per toolchain
/// (`P3` for IAR, `DevInfo` for Keil, `.Dev_info` for ST's GCC script). Reading succeeds for any
/// well-formed ELF; what makes it a bad loader is reported by `lint()`.
public struct LoaderFile: Sendable {
    /// The file name used in messages; its stem is what `DeviceName` must equal (CubeProgrammer 2.18+).
    public let name: String
    public let elf: ELFFile
    /// The `StorageInfo` symbol, when the file defines one.
    public let storageInfoSymbol: Symbol?
    /// Where the StorageInfo bytes are in the file: patch `StorageInfo.encoded()` here.
    public let storageInfoFileOffset: Int?
    /// The bytes the symbol covers (its `st_size`, as far as the file holds them).
    public let storageInfoBytes: [UInt8]?
    /// The decoded descriptor. For a block that is not 200 bytes this is a best-effort decode
    /// (missing bytes read as zero); `lint()` reports the size.
    public let storageInfo: StorageInfo?
    /// The entry points the file defines, in `EntryPoint.names` order.
    public let entryPoints: [EntryPoint]
    /// Every `PT_LOAD` segment in program header order.
    public let loadSegments: [LoadSegment]

    public init(path: String) throws(LoaderFileError) {
        let bytes: [UInt8]
        switch FileReading.bytes(atPath: path, limit: FileReading.loaderLimit) {
        case .success(let b): bytes = b
        case .failure(let failure): throw .unreadable(path: path, reason: failure.reason)
        }
        try self.init(bytes: bytes, name: (path as NSString).lastPathComponent)
    }

    public init(bytes: [UInt8], name: String) throws(LoaderFileError) {
        let elf: ELFFile
        do {
            elf = try ELFFile(bytes: bytes, name: name)
        } catch {
            throw .elf(error)
        }
        self.elf = elf
        self.name = name

        let symbol = elf.symbol(named: "StorageInfo").flatMap { $0.isDefined ? $0 : nil }
        storageInfoSymbol = symbol
        let offset = symbol.flatMap { elf.fileOffset(of: $0) }
        storageInfoFileOffset = offset
        if let symbol, let offset {
            let available = max(0, min(Int(symbol.size), elf.bytes.count - offset))
            let bytes = Array(elf.bytes[offset..<(offset + available)])
            storageInfoBytes = bytes
            storageInfo = bytes.count == StorageInfo.size
                ? try? StorageInfo(decoding: bytes) : StorageInfo(decodingPartial: bytes)
        } else {
            storageInfoBytes = nil
            storageInfo = nil
        }

        entryPoints = EntryPoint.names.compactMap { name in
            guard let symbol = elf.symbol(named: name), symbol.isDefined else { return nil }
            return EntryPoint(name: name, address: symbol.value, size: symbol.size, symbolFileOffset: symbol.fileOffset)
        }

        // Each segment copies its file bytes: bound the total before copying (64 MiB is
        // twenty times the largest STM32 RAM).
        let claimed = elf.programHeaders.filter(\.isLoad).reduce(UInt64(0)) { $0 + UInt64($1.fileSize) }
        if claimed > Self.maximumSegmentBytes {
            throw .segmentsTooLarge(file: name, total: claimed, limit: Self.maximumSegmentBytes)
        }

        let infoRange = offset.flatMap { start in symbol.map { start..<(start + max(1, Int($0.size))) } }
        loadSegments = elf.programHeaders.filter(\.isLoad).map { header in
            let fileRange = Int(header.offset)..<(Int(header.offset) + Int(header.fileSize))
            // The info segment: not executable, and its file bytes hold the StorageInfo object.
            // Without a StorageInfo symbol (stripped file), a read-only segment of exactly 200
            // bytes is taken to be the info segment, so that it is not mistaken for code.
            let holdsInfo = infoRange.map { fileRange.contains($0.lowerBound) && !fileRange.isEmpty }
                ?? (header.fileSize == UInt32(StorageInfo.size))
            let isInfo = holdsInfo && header.flags & ProgramHeader.flagExecute == 0
                && header.fileSize <= UInt32(StorageInfo.size + 64)
            return LoadSegment(
                index: header.index, virtualAddress: header.virtualAddress, physicalAddress: header.physicalAddress,
                fileOffset: header.offset, fileSize: header.fileSize, memorySize: header.memorySize,
                flags: header.flags, bytes: elf.fileBytes(of: header), isStorageInfoSegment: isInfo
            )
        }
    }

    public static let maximumSegmentBytes: UInt64 = 64 << 20

    public func entryPoint(named name: String) -> EntryPoint? {
        entryPoints.first { $0.name == name }
    }

    /// The segments the host writes to RAM.
    public var downloadedSegments: [LoadSegment] { loadSegments.filter(\.isDownloaded) }

    /// The file name without its last extension: `IS25LP512M_STM32U5G7` for `IS25LP512M_STM32U5G7.stldr`.
    public var fileStem: String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}
