import ELF

/// Reads the loadable bytes of an ELF executable the way `objcopy -O ihex` does: the file bytes
/// of every `PT_LOAD` segment with `p_filesz > 0`, placed at its **load** address `p_paddr`
/// (LMA), not its run address `p_vaddr`. For an application whose `.data` runs from RAM but is
/// stored in flash, the flash copy is what a programmer writes, and that is the LMA. The
/// zero-filled tail (`p_memsz - p_filesz`, `.bss`) is not part of the image.
struct ELFImageReader {
    static func read(_ bytes: [UInt8], file: String) throws(FirmwareImageError) -> (records: [DataRecord], start: UInt32?) {
        let elf: ELFFile
        do {
            elf = try ELFFile(bytes: bytes, name: file)
        } catch {
            throw FirmwareImageError(SourceLocation(file: file, fileOffset: error.fileOffset), error.detail)
        }
        let records = elf.programHeaders
            .filter { $0.isLoad && $0.fileSize > 0 }
            .map {
                DataRecord(
                    address: UInt64($0.physicalAddress), bytes: elf.fileBytes(of: $0),
                    location: SourceLocation(file: file, fileOffset: Int($0.offset))
                )
            }
        return (records, elf.entry)
    }
}
