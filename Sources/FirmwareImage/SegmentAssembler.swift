import ELF

/// Sorts records by address and joins them into segments.
///
/// Overlaps are allowed only where both records hold identical bytes (objcopy output merged
/// with itself, a bootloader and application sharing a padding word); a differing byte is an
/// error that names both records. To name the earlier record the assembler keeps, per segment,
/// the non-overlapping "runs" each record contributed, and finds the owner of a conflicting
/// byte by binary search, so merging stays O(n log n) even for hostile files.
struct SegmentAssembler {
    private struct Run {
        var start: UInt64
        var end: UInt64
        var record: Int
    }

    static func assemble(_ records: [DataRecord]) throws(FirmwareImageError) -> [Segment] {
        let order = records.indices
            .filter { !records[$0].bytes.isEmpty }
            .sorted { (records[$0].address, $0) < (records[$1].address, $1) }
        var segments: [Segment] = []
        var start: UInt64 = 0
        var bytes: [UInt8] = []
        var runs: [Run] = []

        func flush() {
            if !bytes.isEmpty { segments.append(Segment(address: UInt32(start), bytes: bytes)) }
        }

        for index in order {
            let record = records[index]
            guard record.endAddress <= 1 << 32 else {
                throw FirmwareImageError(
                    record.location,
                    "data at \(hex(record.address)) (\(record.bytes.count) bytes) runs past the end of the 32-bit address space"
                )
            }
            let currentEnd = start + UInt64(bytes.count)
            if bytes.isEmpty || record.address > currentEnd {
                flush()
                start = record.address
                bytes = record.bytes
                runs = [Run(start: record.address, end: record.endAddress, record: index)]
                continue
            }
            // The record starts inside or right at the end of the current segment.
            let overlapEnd = min(record.endAddress, currentEnd)
            if record.address < overlapEnd {
                for address in record.address..<overlapEnd {
                    let existing = bytes[Int(address - start)]
                    let incoming = record.bytes[Int(address - record.address)]
                    guard existing != incoming else { continue }
                    let owner = Self.owner(of: address, in: runs)
                    let earlier = records[owner.record]
                    let earlierLocation = earlier.location(ofByte: Int(address - earlier.address))
                    throw FirmwareImageError(
                        record.location(ofByte: Int(address - record.address)),
                        "data at \(hexAddress(UInt32(address))) is \(hex(incoming, digits: 2)) here but \(hex(existing, digits: 2)) at \(earlierLocation): overlapping records with different data"
                    )
                }
            }
            if record.endAddress > currentEnd {
                bytes += record.bytes[Int(currentEnd - record.address)...]
                runs.append(Run(start: currentEnd, end: record.endAddress, record: index))
            }
        }
        flush()
        return segments
    }

    private static func owner(of address: UInt64, in runs: [Run]) -> Run {
        var low = 0
        var high = runs.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if runs[mid].start <= address { low = mid } else { high = mid - 1 }
        }
        return runs[low]
    }
}
