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
        public var bytes: [UInt8]
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

    public var totalSize: UInt64 { regions.reduce(0) { $0 + UInt64($1.count) * UInt64($1.size) } }
    public var sectorCount: Int { regions.reduce(0) { $0 + Int($1.count) } }

    /// The sector holding device offset `offset`: its index, start offset and size.
    public func sector(containing offset: UInt64) -> (index: Int, start: UInt64, size: UInt64)? {
        var index = 0
        var start: UInt64 = 0
        for region in regions {
            let size = UInt64(region.size)
            let span = UInt64(region.count) * size
            if offset < start + span {
                let k = (offset - start) / size
                return (index + Int(k), start + k * size, size)
            }
            index += Int(region.count)
            start += span
        }
        return nil
    }
}

/// Why an image cannot be programmed with a loader, before anything runs.
public enum PlanError: Error, Equatable, CustomStringConvertible {
    case outsideDevice(address: UInt32, length: Int, deviceStart: UInt32, deviceSize: UInt64)
    case emptyImage
    case invalidChunkSize(Int)

    public var description: String {
        switch self {
        case let .outsideDevice(address, length, start, size):
            String(format: "the image has %d bytes at 0x%08X, outside both the MCU flash (0x08000000-0x083FFFFF) and the loader's device (0x%08X-0x%08llX)",
                   length, address, start, UInt64(start) + size - 1)
        case .emptyImage: "the image holds no data"
        case let .invalidChunkSize(n): "chunk size \(n) is not usable; expected 1 to 16 MiB"
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

        var touched = Set<Int>()
        var sectorStart: [Int: (UInt64, UInt64)] = [:]
        for segment in external {
            var offset = UInt64(segment.address - layout.base)
            let end = offset + UInt64(segment.bytes.count)
            while offset < end, let s = layout.sector(containing: offset) {
                touched.insert(s.index)
                sectorStart[s.index] = (s.start, s.size)
                offset = s.start + s.size
            }
        }
        var runs: [SectorRun] = []
        for index in touched.sorted() {
            guard let (start, size) = sectorStart[index] else { continue }
            let absStart = UInt32(UInt64(layout.base) + start)
            let absEnd = UInt32(UInt64(layout.base) + start + size - 1)
            if var last = runs.last, last.lastIndex + 1 == index {
                last.lastIndex = index
                last.end = absEnd
                runs[runs.count - 1] = last
            } else {
                runs.append(SectorRun(firstIndex: index, lastIndex: index, start: absStart, end: absEnd))
            }
        }

        var chunks: [Chunk] = []
        for segment in external {
            var offset = 0
            while offset < segment.bytes.count {
                let n = min(chunkSize, segment.bytes.count - offset)
                chunks.append(Chunk(address: segment.address + UInt32(offset), bytes: Array(segment.bytes[offset..<(offset + n)])))
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
