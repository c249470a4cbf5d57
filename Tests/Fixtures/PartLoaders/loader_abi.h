/* The CubeProgrammer loader ABI the part-loader fixtures share: result values, the 200-byte
 * StorageInfo (ST's Dev_Inf.h layout), and the .bss bounds the loader clears in Init
 * (the programmer downloads file bytes only). */
#ifndef LOADERLAB_PART_LOADER_ABI_H
#define LOADERLAB_PART_LOADER_ABI_H
#include <stdint.h>
#include "../BrokenLoaders/regs.h"

#ifndef DEVICE_NAME
#error "pass -DDEVICE_NAME=\"<file stem>\""
#endif

#define LOADER_OK   1u
#define LOADER_FAIL 0u

struct DeviceSectors {
    uint32_t SectorNum;
    uint32_t SectorSize;
};

struct StorageInfo {
    char     DeviceName[100];
    uint16_t DeviceType;
    uint32_t DeviceStartAddress;
    uint32_t DeviceSize;
    uint32_t PageSize;
    uint8_t  EraseValue;
    struct DeviceSectors sectors[10];
};
_Static_assert(sizeof(struct StorageInfo) == 200, "StorageInfo must be exactly 200 bytes");

extern uint32_t __bss_start__[];
extern uint32_t __bss_end__[];
#endif
