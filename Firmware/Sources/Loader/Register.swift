import _Volatile

/// One 32-bit memory-mapped register. Every access is a volatile load or store, so the
/// optimizer neither merges, reorders across other volatile accesses, nor drops it.
struct Register {
    let address: UInt32

    @inline(__always) init(_ address: UInt32) { self.address = address }

    @inline(__always) var value: UInt32 {
        get { VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(address)).load() }
        nonmutating set { VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(address)).store(newValue) }
    }

    @inline(__always) func set(_ mask: UInt32) { value = value | mask }
    @inline(__always) func clear(_ mask: UInt32) { value = value & ~mask }
    /// Read-modify-write of the bits in `mask` only.
    @inline(__always) func replace(_ mask: UInt32, with bits: UInt32) { value = (value & ~mask) | (bits & mask) }
    @inline(__always) func anySet(_ mask: UInt32) -> Bool { value & mask != 0 }
}

/// Byte-wide volatile access, for OCTOSPI_DR (a byte access moves one byte through the
/// FIFO, RM0456 OCTOSPI_DR) and for reads through the memory-mapped window.
@inline(__always) func loadByte(_ address: UInt32) -> UInt8 {
    VolatileMappedRegister<UInt8>(unsafeBitPattern: UInt(address)).load()
}

@inline(__always) func storeByte(_ address: UInt32, _ value: UInt8) {
    VolatileMappedRegister<UInt8>(unsafeBitPattern: UInt(address)).store(value)
}

/// A 32-bit volatile load (the memory-mapped window: one AHB word read, 4 bytes at once).
@inline(__always) func loadWord(_ address: UInt32) -> UInt32 {
    VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(address)).load()
}
