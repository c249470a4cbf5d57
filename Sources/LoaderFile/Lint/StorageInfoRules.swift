import ELF

/// The StorageInfo rules the community and ST confirmed (cubeprogrammer-loader.md §1.2).
enum StorageInfoRules {
    static func check(_ loader: LoaderFile) -> [Finding] {
        guard loader.elf.hasSymbolTable else { return [] }  // reported once, as symbol-table-missing
        guard let symbol = loader.storageInfoSymbol else {
            return [Finding(
                code: "storageinfo-missing", severity: .error,
                message: "no global symbol StorageInfo: CubeProgrammer cannot list or load the loader (dropped by --gc-sections or a KEEP() that did not match?)"
            )]
        }
        var findings: [Finding] = []
        guard let offset = loader.storageInfoFileOffset, let bytes = loader.storageInfoBytes else {
            return [Finding(
                code: "storageinfo-layout", severity: .error,
                message: "StorageInfo at \(hexAddress(symbol.value)) has no bytes in the file (in .bss or outside every segment)",
                address: symbol.value, fileOffset: symbol.fileOffset
            )]
        }
        if symbol.size != UInt32(StorageInfo.size) || bytes.count != StorageInfo.size {
            let detail = bytes.count < Int(symbol.size) ? " (only \(bytes.count) of them are in the file)" : ""
            findings.append(Finding(
                code: "storageinfo-layout", severity: .error,
                message: "StorageInfo is \(symbol.size) bytes\(detail); CubeProgrammer 2.12 and later require 200 (100-byte name, 10 sector entries)",
                address: symbol.value, fileOffset: offset
            ))
        }
        if symbol.kind != .object {
            findings.append(Finding(
                code: "storageinfo-symbol", severity: .warning,
                message: "StorageInfo is not a data object (STT_OBJECT) symbol",
                address: symbol.value, fileOffset: symbol.fileOffset
            ))
        }
        guard let info = loader.storageInfo, bytes.count >= 0x78 else { return findings }

        if !info.isDeviceNameTerminated {
            findings.append(Finding(
                code: "device-name-unterminated", severity: .error,
                message: "DeviceName has no NUL within its 100 bytes; the host reads past it into DeviceType",
                fileOffset: offset
            ))
        }
        if info.deviceName != loader.fileStem {
            findings.append(Finding(
                code: "device-name-mismatch", severity: .error,
                message: "DeviceName \"\(info.deviceName)\" differs from the file name \"\(loader.fileStem)\"; CubeProgrammer 2.18 and later refuse operations (rename the file or the device)",
                fileOffset: offset
            ))
        }
        if info.knownDeviceType == nil {
            findings.append(Finding(
                code: "device-type-unknown", severity: .error,
                message: "DeviceType is \(info.deviceType); Dev_Inf.h defines 1 (MCU_FLASH) to 10 (I2C_EEPROM)",
                fileOffset: offset + 0x64
            ))
        }
        if info.hasNonzeroPadding {
            findings.append(Finding(
                code: "storageinfo-padding", severity: .warning,
                message: "alignment padding after DeviceType (0x66) or EraseValue (0x75) is not zero: the struct layout probably differs from Dev_Inf.h (packed, or a field of another width)",
                fileOffset: offset + (info.paddingAfterDeviceType.contains { $0 != 0 } ? 0x66 : 0x75)
            ))
        }
        if bytes.count == StorageInfo.size {
            if !info.hasSectorTerminator {
                findings.append(Finding(
                    code: "sector-table-unterminated", severity: .error,
                    message: "the sector table has no {0, 0} entry to end it within its 10 slots",
                    fileOffset: offset + 0x78
                ))
            }
            if info.sectorTableTotal != UInt64(info.deviceSize) {
                let entries = info.usedSectors.map { "\($0.count) × \(hex($0.size))" }.joined(separator: " + ")
                findings.append(Finding(
                    code: "sector-table-size", severity: .error,
                    message: "the sector table covers \(hex(info.sectorTableTotal)) bytes (\(entries.isEmpty ? "no entries" : entries)) but DeviceSize is \(hex(info.deviceSize)); erases will miss or overrun sectors",
                    fileOffset: offset + 0x78
                ))
            }
        }
        if info.eraseValue != 0xFF, info.knownDeviceType?.needsErase == true {
            findings.append(Finding(
                code: "erase-value", severity: .note,
                message: "EraseValue is \(hex(info.eraseValue, digits: 2)); NOR flash erases to 0xFF, and the host skips blocks equal to EraseValue",
                fileOffset: offset + 0x74
            ))
        }
        return findings
    }
}
