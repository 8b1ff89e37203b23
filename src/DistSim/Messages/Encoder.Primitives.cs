using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace DistSim.Messages;

/// <summary>The byte-level writes: fixed-width little-endian integers, raw IEEE bits, UTF-16 code units.</summary>
internal sealed partial class Encoder
{
    private const int InitialBuffer = 4096;
    private const int KeptBuffer = 1 << 20;

    private byte[] _buffer = new byte[InitialBuffer];
    private int _pos;
    private IBufferWriter<byte>? _sink;

    public void WriteByte(byte value)
    {
        if (_pos == _buffer.Length)
        {
            MakeRoom(1);
        }

        _buffer[_pos++] = value;
    }

    public void WriteSByte(sbyte value) => WriteByte(unchecked((byte)value));

    /// <summary>The raw byte of the bool (a bool holding 2 through unsafe code stays distinct from true).</summary>
    public void WriteBool(bool value) => WriteByte(Unsafe.As<bool, byte>(ref value));

    public void WriteInt16(short value) => WriteRaw(BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    public void WriteUInt16(ushort value) => WriteRaw(BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    public void WriteChar(char value) => WriteUInt16(value);

    public void WriteInt32(int value) => WriteRaw(BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    public void WriteUInt32(uint value) => WriteRaw(BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    public void WriteInt64(long value) => WriteRaw(BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    public void WriteUInt64(ulong value) => WriteRaw(BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    /// <summary>Raw bits: -0.0 and 0.0 differ, and so do NaNs with different payloads.</summary>
    public void WriteSingle(float value) => WriteUInt32(BitConverter.SingleToUInt32Bits(value));

    /// <summary>Raw bits: -0.0 and 0.0 differ, and so do NaNs with different payloads.</summary>
    public void WriteDouble(double value) => WriteUInt64(BitConverter.DoubleToUInt64Bits(value));

    public void WriteHalf(Half value) => WriteUInt16(BitConverter.HalfToUInt16Bits(value));

    /// <summary>The four 32-bit words of <see cref="decimal.GetBits(decimal)"/>: the scale is kept, so 1.0m and 1.00m differ.</summary>
    public void WriteDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        for (int i = 0; i < 4; i++)
        {
            WriteInt32(bits[i]);
        }
    }

    /// <summary>Ticks (int64) and <see cref="DateTimeKind"/> (one byte).</summary>
    public void WriteDateTime(DateTime value)
    {
        WriteInt64(value.Ticks);
        WriteByte((byte)value.Kind);
    }

    /// <summary>The clock time's ticks and the offset's ticks.</summary>
    public void WriteDateTimeOffset(DateTimeOffset value)
    {
        WriteInt64(value.Ticks);
        WriteInt64(value.Offset.Ticks);
    }

    public void WriteTimeSpan(TimeSpan value) => WriteInt64(value.Ticks);

    public void WriteDateOnly(DateOnly value) => WriteInt32(value.DayNumber);

    public void WriteTimeOnly(TimeOnly value) => WriteInt64(value.Ticks);

    /// <summary>The 16 bytes of <see cref="Guid.TryWriteBytes(Span{byte})"/> (little-endian layout).</summary>
    public void WriteGuid(Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes);
        WriteBytes(bytes);
    }

    public void WriteInt128(Int128 value)
    {
        WriteUInt64((ulong)value);
        WriteUInt64((ulong)(value >> 64));
    }

    public void WriteUInt128(UInt128 value)
    {
        WriteUInt64((ulong)value);
        WriteUInt64((ulong)(value >> 64));
    }

    /// <summary>Length (int32) and the minimal two's-complement little-endian bytes.</summary>
    public void WriteBigInteger(BigInteger value)
    {
        int count = value.GetByteCount();
        WriteInt32(count);
        byte[] rented = ArrayPool<byte>.Shared.Rent(count);
        value.TryWriteBytes(rented, out int written);
        WriteBytes(rented.AsSpan(0, written));
        ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>A string in a string-typed slot: null marker, or the exact-type marker, the length and the UTF-16 code units.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteByte(Null);
            return;
        }

        WriteByte(Exact);
        WriteStringBody(value);
    }

    /// <summary>Length in UTF-16 code units (int32), then the code units raw: lone surrogates stay distinct.</summary>
    public void WriteStringBody(string value)
    {
        WriteInt32(value.Length);
        WriteBytes(MemoryMarshal.AsBytes(value.AsSpan()));
    }

    /// <summary>
    /// A <see cref="StringBuilder"/> as the string it holds, then its <see cref="StringBuilder.MaxCapacity"/> (beyond which an
    /// append throws); its chunking and capacity are not observable contents.
    /// </summary>
    public void WriteStringBuilder(StringBuilder value)
    {
        WriteInt32(value.Length);
        foreach (ReadOnlyMemory<char> chunk in value.GetChunks())
        {
            WriteBytes(MemoryMarshal.AsBytes(chunk.Span));
        }

        WriteInt32(value.MaxCapacity);
    }

    /// <summary>The elements of an array of primitives (or enums), raw, in one copy.</summary>
    public void WriteBulk<T>(Array array)
        where T : unmanaged
    {
        ref byte start = ref MemoryMarshal.GetArrayDataReference(array);
        int bytes = checked(array.Length * Unsafe.SizeOf<T>());
        WriteBytes(MemoryMarshal.CreateReadOnlySpan(ref start, bytes));
    }

    /// <summary>Count, then the elements raw (as <see cref="WriteInt32"/> etc. would write them one by one).</summary>
    public void WriteListBulk<T>(List<T> list)
        where T : unmanaged
    {
        WriteInt32(list.Count);
        WriteBytes(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(list)));
    }

    /// <summary>Count, then the elements raw.</summary>
    public void WriteSpanBulk<T>(ReadOnlySpan<T> span)
        where T : unmanaged
    {
        WriteInt32(span.Length);
        WriteBytes(MemoryMarshal.AsBytes(span));
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _pos < bytes.Length)
        {
            if (_sink is not null && bytes.Length >= InitialBuffer)
            {
                Flush();
                _sink.Write(bytes);
                return;
            }

            MakeRoom(bytes.Length);
        }

        bytes.CopyTo(_buffer.AsSpan(_pos));
        _pos += bytes.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteRaw<T>(T value)
        where T : unmanaged
    {
        if (_buffer.Length - _pos < Unsafe.SizeOf<T>())
        {
            MakeRoom(Unsafe.SizeOf<T>());
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _pos), value);
        _pos += Unsafe.SizeOf<T>();
    }

    private void MakeRoom(int needed)
    {
        if (_sink is not null)
        {
            Flush();
        }

        if (_buffer.Length - _pos < needed)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _pos + needed));
        }
    }

    private void Flush()
    {
        if (_pos > 0)
        {
            _sink!.Write(_buffer.AsSpan(0, _pos));
            _pos = 0;
        }
    }
}
