package dev.dbbrain.reactive.apicheck;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one class file in declaration order, each with its compile-time constant value: the two facts about
 * fields that reflection does not give without initialising the class (the order of {@code getDeclaredFields()} is
 * unspecified, and reading a constant runs the static initialiser). Enum constants are listed in ordinal order from
 * this, and a changed constant — which javac copies into every caller's class file — shows in the dump.
 */
record ClassFileFields(List<FieldFact> fields) {

    /** One field: its name, and the value of its {@code ConstantValue} attribute ({@code null} when it has none). */
    record FieldFact(String name, Object constant) {
    }

    private static final int UTF8 = 1;
    private static final int INTEGER = 3;
    private static final int FLOAT = 4;
    private static final int LONG = 5;
    private static final int DOUBLE = 6;
    private static final int STRING = 8;

    /** Reads the class file up to the end of its field table (JVMS §4.1, §4.4, §4.5, §4.7.2). */
    static ClassFileFields read(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor_version
        in.readUnsignedShort(); // major_version
        int poolCount = in.readUnsignedShort();
        Object[] pool = new Object[poolCount];
        for (int i = 1; i < poolCount; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case UTF8 -> pool[i] = in.readUTF();
                case INTEGER -> pool[i] = in.readInt();
                case FLOAT -> pool[i] = in.readFloat();
                case LONG -> pool[i++] = in.readLong(); // eight-byte constants take two slots
                case DOUBLE -> pool[i++] = in.readDouble();
                case STRING -> pool[i] = new StringRef(in.readUnsignedShort());
                case 7, 16, 19, 20 -> in.readUnsignedShort(); // Class, MethodType, Module, Package
                case 15 -> { // MethodHandle
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 9, 10, 11, 12, 17, 18 -> in.readInt(); // refs, NameAndType, Dynamic, InvokeDynamic
                default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
            }
        }
        in.readUnsignedShort(); // access_flags
        in.readUnsignedShort(); // this_class
        in.readUnsignedShort(); // super_class
        in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
        int fieldCount = in.readUnsignedShort();
        List<FieldFact> fields = new ArrayList<>(fieldCount);
        for (int f = 0; f < fieldCount; f++) {
            in.readUnsignedShort(); // access_flags
            String name = (String) pool[in.readUnsignedShort()];
            in.readUnsignedShort(); // descriptor_index
            Object constant = null;
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attribute = (String) pool[in.readUnsignedShort()];
                int length = in.readInt();
                if (attribute.equals("ConstantValue")) {
                    Object value = pool[in.readUnsignedShort()];
                    constant = value instanceof StringRef ref ? pool[ref.utf8()] : value;
                } else {
                    in.skipNBytes(length);
                }
            }
            fields.add(new FieldFact(name, constant));
        }
        return new ClassFileFields(List.copyOf(fields));
    }

    /** The position of {@code name} in declaration order, or {@code -1}. */
    int position(String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The compile-time constant of the field {@code name}, or {@code null}. */
    Object constant(String name) {
        int i = position(name);
        return i < 0 ? null : fields.get(i).constant();
    }

    private record StringRef(int utf8) {
    }
}
