import ELF

/// Where and how the image is placed in target RAM (cubeprogrammer-loader.md §1.1, §1.4, §6).
enum SegmentRules {
    static func check(_ loader: LoaderFile, options: LintOptions) -> [Finding] {
        var findings: [Finding] = []
        let downloaded = loader.downloadedSegments
        let loadAddress = options.ramBase &+ 4

        if let first = downloaded.min(by: { $0.virtualAddress < $1.virtualAddress }) {
            if first.virtualAddress != loadAddress {
                findings.append(Finding(
                    code: "load-address", severity: .error,
                    message: "the image starts at \(hexAddress(first.virtualAddress)), not at \(hexAddress(loadAddress)) (RAM base + 4): the host writes a BKPT at \(hexAddress(options.ramBase)) and downloads the image right after it",
                    address: first.virtualAddress, fileOffset: Int(first.fileOffset)
                ))
            }
        }  // no downloaded segment at all: RunnabilityRules reports `no-code`

        // One finding per kind of pair (code/code, code/StorageInfo), with a count and the first
        // pairs: 65,535 identical headers make two billion pairs.
        let overlaps = SegmentOverlaps(loader.loadSegments.filter { $0.memorySize > 0 })
        for group in overlaps.groups {
            let a = group.examples[0].0, b = group.examples[0].1
            let more = group.count > 1
                ? "; \(group.count) overlapping pairs in all, first " + group.examples.map { "\($0.0.index)/\($0.1.index)" }.joined(separator: ", ")
                : ""
            findings.append(Finding(
                code: "segments-overlap", severity: group.involvesInfo ? .warning : .error,
                message: "PT_LOAD segments \(a.index) (\(hexAddress(a.virtualAddress))+\(hex(a.memorySize))) and \(b.index) (\(hexAddress(b.virtualAddress))+\(hex(b.memorySize))) overlap in memory" + more
                    + (group.involvesInfo ? "; the StorageInfo segment lies inside the code (ST's GCC script does this, and it has been blamed for loaders that do not load)" : ""),
                address: max(a.virtualAddress, b.virtualAddress)
            ))
        }

        for segment in downloaded {
            if segment.flags & ProgramHeader.flagARMStaticBase != 0 {
                findings.append(Finding(
                    code: "segment-rwpi", severity: .warning,
                    message: "segment \(segment.index) is RWPI (PF_ARM_SB): its data is addressed through R9, which the host does not set up",
                    address: segment.virtualAddress
                ))
            }
            if segment.flags & ProgramHeader.flagARMPositionIndependent != 0 {
                findings.append(Finding(
                    code: "segment-ropi", severity: .note,
                    message: "segment \(segment.index) is position-independent (PF_ARM_PI); the host loads it at its link address anyway",
                    address: segment.virtualAddress
                ))
            }
            if segment.memorySize > segment.fileSize {
                findings.append(Finding(
                    code: "bss-not-loaded", severity: .note,
                    message: "segment \(segment.index) has \(hex(segment.memorySize - segment.fileSize)) bytes of .bss beyond its file bytes; the programmer does not zero them (nor download them), so Init must clear them before use",
                    address: segment.virtualAddress &+ segment.fileSize
                ))
            }
        }

        if let end = downloaded.map(\.memoryRange.upperBound).max() {
            let needed = end + UInt64(options.stackReserve)
            let limit = UInt64(options.ramBase) + UInt64(options.ramSize)
            if needed > limit {
                findings.append(Finding(
                    code: "ram-overflow", severity: .error,
                    message: "the image ends at \(hex(end)); with the host's 1 KiB stack above it that is \(hex(needed)), past the end of RAM at \(hex(limit)) (and the host's data buffers go after the stack)",
                    address: UInt32(clamping: end)
                ))
            }
        }
        return findings
    }
}
