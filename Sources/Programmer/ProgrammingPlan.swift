import Foundation

/// What a programming session will do, decided before any loader code runs, as plain data
/// (probe-rs's `FlashLayout` idea): which sectors to erase, which chunks to write where,
/// what goes to the MCU's own flash.
public struct ProgrammingPlan: Sendable, Equatable {
    /// A contiguous run of the loader's sectors, by index in its StorageInfo table.
    public struct SectorRun: Sendable, Equatable {
        public var firstIndex: Int
        public var lastIndex: Int
        /// Absolute address of the first byte of the first sector.
        public var start: UInt32
        /// Absolute address of the last byte of the last sector (inclusive, as SectorErase takes it).
        public var end: UInt32
    }

    /// One `Write` call: `bytes` at absolute `address`.
    public struct Chunk: Sendable, Equatable {
        public var address: UInt32
        /// A view of the image segment's storage: the plan holds no second copy of the image
        /// (issue 13, host memory per image byte).
        public var data: ArraySlice<UInt8>
        /// The chunk's bytes as an array (a copy of `data`, made on each read).
        public var bytes: [UInt8] { Array(data) }
        public var count: Int { data.count }

        public init(address: UInt32, bytes: [UInt8]) {
            self.address = address
            data = bytes[...]
        }

        public init(address: UInt32, data: ArraySlice<UInt8>) {
            self.address = address
            self.data = data
        }
    }

    public var eraseRuns: [SectorRun]
    public var fullChipErase: Bool
    public var chunks: [Chunk]
    /// Data for the MCU's own flash (0x0800_0000), written by the programmer itself.
    public var internalSegments: [(address: UInt32, bytes: [UInt8])]
    /// Absolute byte ranges the session asked the loader to change (erase ∪ program).
    public var requestedRanges: [ClosedRange<UInt32>]

    public static func == (a: ProgrammingPlan, b: ProgrammingPlan) -> Bool {
        a.eraseRuns == b.eraseRuns && a.fullChipErase == b.fullChipErase && a.chunks == b.chunks
            && a.internalSegments.map(\.address) == b.internalSegments.map(\.address)
            && a.internalSegments.map(\.bytes) == b.internalSegments.map(\.bytes)
            && a.requestedRanges == b.requestedRanges
    }
}

/// The loader's sector geometry, expanded from the StorageInfo `{count, size}` table.
public struct SectorLayout: Sendable, Equatable {
    public struct Region: Sendable, Equatable {
        public var count: UInt32
        public var size: UInt32
    }

    public var base: UInt32
    public var regions: [Region]

    public init(base: UInt32, regions: [Region]) {
        self.base = base
        self.regions = regions.filter { $0.count > 0 && $0.size > 0 }
    }

    /// Σ count × size, saturating: ten entries of 0xFFFF_FFFF × 0xFFFF_FFFF overflow 64 bits.
    public var totalSize: UInt64 {
        regions.reduce(UInt64(0)) { total, region in
            let (sum, overflow) = total.addingReportingOverflow(UInt64(region.count) * UInt64(region.size))
            return overflow ? .max : sum
        }
    }

    /// Whether base + totalSize stays within the 32-bit address space (the last byte is at most 0xFFFF_FFFF).
    public var fitsAddressSpace: Bool {
        let (end, overflow) = UInt64(base).addingReportingOverflow(totalSize)
        return !overflow && end <= 0x1_0000_0000
    }
    public var sectorCount: Int { regions.reduce(0) { $0 + Int($1.count) } }

    /// The sector holding device offset `offset`: its index, start offset and size.
    public func sector(containing offset: UInt64) -> (index: Int, start: UInt64, size: UInt64)? {
        var index = 0
        var start: UInt64 = 0
        for region in regions {
            let size = UInt64(region.size)
            let span = UInt64(region.count) * size
            let (end, overflow) = start.addingReportingOverflow(span)
            if overflow || offset < end {
                let k = (offset - start) / size
                return (index + Int(k), start + k * size, size)
            }
            index += Int(region.count)
            start = end
        }
        return nil
    }
}

/// Why an image cannot be programmed with a loader, before anything runs.
public enum PlanError: Error, Equatable, CustomStringConvertible {
    case outsideDevice(address: UInt32, length: Int, deviceStart: UInt32, deviceSize: UInt64)
    case emptyImage
    case invalidChunkSize(Int)
    /// DeviceStartAddress + the sector table's size runs past 4 GiB: no address reaches its end.
    case deviceRangeWraps(deviceStart: UInt32, deviceSize: UInt64)

    public var description: String {
        switch self {
        case let .outsideDevice(address, length, start, size)
            where UInt64(address) >= UInt64(start) && UInt64(address) < UInt64(start) + size:
            String(format: "the image has %d bytes at 0x%08X, which run %llu bytes past the end of the loader's device (0x%08X-0x%08llX)",
                   length, address, UInt64(address) + UInt64(length) - (UInt64(start) + size), start, UInt64(start) + size - 1)
        case let .outsideDevice(address, length, start, size):
            String(format: "the image has %d bytes at 0x%08X, outside both the MCU flash (0x08000000-0x083FFFFF) and the loader's device (0x%08X-0x%08llX)",
                   length, address, start, UInt64(start) + size - 1)
        case .emptyImage: "the image holds no data"
        case let .invalidChunkSize(n): "chunk size \(n) is not usable; expected 1 to 16 MiB"
        case let .deviceRangeWraps(start, size):
            String(format: "the loader's device (0x%08X + 0x%llX bytes) runs past the 4 GiB address space", start, size)
        }
    }
}

extension ProgrammingPlan {
    public static let internalFlash: ClosedRange<UInt32> = 0x0800_0000...0x083F_FFFF

    /// Plans erases and writes the way CubeProgrammer does: every sector the image touches
    /// is erased (or the whole chip), then the data goes out in large chunks that are not
    /// aligned to anything, cut from each contiguous segment.
    public static func make(
        segments: [(address: UInt32, bytes: [UInt8])],
        layout: SectorLayout,
        chunkSize: Int,
        fullChipErase: Bool
    ) throws(PlanError) -> ProgrammingPlan {
        guard (1...(16 << 20)).contains(chunkSize) else { throw .invalidChunkSize(chunkSize) }
        // Every UInt32 below is then an address inside the 4 GiB space.
        guard layout.fitsAddressSpace else { throw .deviceRangeWraps(deviceStart: layout.base, deviceSize: layout.totalSize) }
        var mcuFlash: [(address: UInt32, bytes: [UInt8])] = []
        var external: [(address: UInt32, bytes: [UInt8])] = []
        let deviceEnd = UInt64(layout.base) + layout.totalSize
        for segment in segments where !segment.bytes.isEmpty {
            let last = UInt64(segment.address) + UInt64(segment.bytes.count) - 1
            if internalFlash.contains(segment.address), last <= UInt64(internalFlash.upperBound) {
                mcuFlash.append(segment)
            } else if segment.address >= layout.base, last < deviceEnd {
                external.append(segment)
            } else {
                throw .outsideDevice(address: segment.address, length: segment.bytes.count, deviceStart: layout.base, deviceSize: layout.totalSize)
            }
        }
        guard !mcuFlash.isEmpty || !external.isEmpty else { throw .emptyImage }

        // Sector runs straight from the regions: a table of one-byte sectors must not cost a
        // set entry per byte. External segments are sorted and disjoint, so runs only grow.
        var runs: [SectorRun] = []
        for segment in external.sorted(by: { $0.address < $1.address }) {
            let first = UInt64(segment.address) - UInt64(layout.base)
            let last = first + UInt64(segment.bytes.count) - 1
            var index = 0
            var regionStart: UInt64 = 0
            for region in layout.regions {
                let size = UInt64(region.size)
                let regionEnd = regionStart + UInt64(region.count) * size  // ≤ 4 GiB: the layout fits
                defer {
                    index += Int(region.count)
                    regionStart = regionEnd
                }
                guard first < regionEnd, last >= regionStart else { continue }
                let lowOffset = (max(first, regionStart) - regionStart) / size
                let highOffset = (min(last, regionEnd - 1) - regionStart) / size
                let lowIndex = index + Int(lowOffset), highIndex = index + Int(highOffset)
                let absStart = UInt32(UInt64(layout.base) + regionStart + lowOffset * size)
                let absEnd = UInt32(UInt64(layout.base) + regionStart + (highOffset + 1) * size - 1)
                if var previous = runs.last, previous.lastIndex + 1 >= lowIndex {
                    if highIndex > previous.lastIndex {
                        previous.lastIndex = highIndex
                        previous.end = absEnd
                    }
                    runs[runs.count - 1] = previous
                } else {
                    runs.append(SectorRun(firstIndex: lowIndex, lastIndex: highIndex, start: absStart, end: absEnd))
                }
            }
        }

        var chunks: [Chunk] = []
        for segment in external {
            var offset = 0
            while offset < segment.bytes.count {
                let n = min(chunkSize, segment.bytes.count - offset)
                chunks.append(Chunk(address: segment.address + UInt32(offset), data: segment.bytes[offset..<(offset + n)]))
                offset += n
            }
        }
        let requested: [ClosedRange<UInt32>]
        if fullChipErase {
            requested = layout.totalSize > 0 ? [layout.base...UInt32(deviceEnd - 1)] : []
        } else {
            requested = runs.map { $0.start...$0.end }
        }
        return ProgrammingPlan(eraseRuns: fullChipErase ? [] : runs, fullChipErase: fullChipErase, chunks: chunks,
                               internalSegments: mcuFlash, requestedRanges: requested)
    }
}
