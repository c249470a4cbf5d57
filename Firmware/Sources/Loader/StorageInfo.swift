/// The 200-byte device descriptor CubeProgrammer reads from the ELF file (never from the
/// target): cubeprogrammer-loader.md §1.2, layout of ST's Dev_Inf.h with natural AAPCS
/// alignment. A tuple of integer literals is the only form `@section` accepts as a
/// compile-time constant; its layout is C's.
///
/// `loaderlab make-loader` patches DeviceName and DeviceStartAddress (0x7000_0000 for
/// OCTOSPI2) in the file. The loader itself never reads this object.
#if OCTAL
@used @section(".Dev_info") @_silgen_name("StorageInfo")
public let storageInfo: (
    // 0x00 DeviceName[100]: "MX25LM51245G_STM32U5A9", the .stldr file stem (checked by v2.18+)
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt16,  // 0x64 DeviceType
    UInt16,  // 0x66 padding
    UInt32,  // 0x68 DeviceStartAddress
    UInt32,  // 0x6C DeviceSize
    UInt32,  // 0x70 PageSize
    UInt8, UInt8, UInt8, UInt8,  // 0x74 EraseValue, 3 bytes padding
    // 0x78 sectors[10]: {SectorNum, SectorSize}
    UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
    UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32
) = (
    0x4D, 0x58, 0x32, 0x35, 0x4C, 0x4D, 0x35, 0x31, 0x32, 0x34, 0x35, 0x47, 0x5F, 0x53, 0x54, 0x4D, 0x33, 0x32, 0x55, 0x35,
    0x41, 0x39, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    3,  // NOR_FLASH: the programmer reads back through the memory-mapped window
    0,
    0x9000_0000,  // OCTOSPI1 window
    0x0400_0000,  // 64 MiB
    0x0000_0100,  // 256-byte program page
    0xFF, 0, 0, 0,
    16_384, 0x1000,  // 16384 sectors of 4 KiB (the smallest erase, 21h)
    0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
)
#else
@used @section(".Dev_info") @_silgen_name("StorageInfo")
public let storageInfo: (
    // 0x00 DeviceName[100]: "IS25LP512M_STM32U5G7", the .stldr file stem (checked by v2.18+)
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt16,  // 0x64 DeviceType
    UInt16,  // 0x66 padding
    UInt32,  // 0x68 DeviceStartAddress
    UInt32,  // 0x6C DeviceSize
    UInt32,  // 0x70 PageSize
    UInt8, UInt8, UInt8, UInt8,  // 0x74 EraseValue, 3 bytes padding
    // 0x78 sectors[10]: {SectorNum, SectorSize}
    UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
    UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32
) = (
    0x49, 0x53, 0x32, 0x35, 0x4C, 0x50, 0x35, 0x31, 0x32, 0x4D, 0x5F, 0x53, 0x54, 0x4D, 0x33, 0x32, 0x55, 0x35, 0x47, 0x37,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    3,  // NOR_FLASH: the programmer reads back through the memory-mapped window
    0,
    0x9000_0000,  // OCTOSPI1 window
    0x0400_0000,  // 64 MiB
    0x0000_0100,  // 256-byte program page
    0xFF, 0, 0, 0,
    16_384, 0x1000,  // 16384 sectors of 4 KiB (the smallest erase, 21h)
    0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
)
#endif
