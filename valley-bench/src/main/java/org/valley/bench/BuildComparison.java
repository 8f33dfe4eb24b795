package org.valley.bench;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Compares one JMH benchmark method of two builds in one JVM, alternating short slices of each, so
 * that the machine's drift cancels out: on the shared reference machine a JMH score moves by half
 * within minutes (PipelineBench gave 0.17 M to 0.55 M frames/s in one hour), while the ratio of
 * two builds measured slice by slice stays within a few per cent.
 *
 * <p>Each build's {@code benchmarks.jar} gets its own class loader; the benchmark class is made,
 * its {@code @Param} fields take their first value, its trial {@code @Setup} methods run, and the
 * method is called over and over for {@code slice} milliseconds, the two builds taking turns (in
 * alternating order) for {@code pairs} pairs after a warm-up. The method may take a JMH {@code
 * Blackhole} or any state class with a public no-argument constructor. Printed: each build's
 * median time per call and the quartiles of the per-pair ratio B/A.
 *
 * <pre>{@code
 * java -Xms3g -Xmx3g -cp valley-bench/target/benchmarks.jar org.valley.bench.BuildComparison \
 *     /tmp/before/benchmarks.jar valley-bench/target/benchmarks.jar org.valley.bench.PipelineBench frame 150
 * }</pre>
 *
 * <p>A ratio is only as good as the two builds' equal footing: both share the JVM's heap, JIT and
 * caches, so a build that allocates more slows the other too, a little.
 */
public final class BuildComparison {

    private static final String BLACKHOLE_PASSWORD =
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.";

    private BuildComparison() {}

    /** One build's benchmark, ready to call. */
    private record Subject(Object instance, Method method, Object[] args) {

        double nanosPerCall(long millis) throws ReflectiveOperationException {
            long start = System.nanoTime();
            long end = start + millis * 1_000_000;
            long calls = 0;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 64; i++) {
                    method.invoke(instance, args);
                }
                calls += 64;
            }
            return (System.nanoTime() - start) / (double) calls;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: BuildComparison <jar A> <jar B> <benchmark class> <method> [pairs=100] [slice ms=100]");
            System.exit(2);
        }
        int pairs = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        long slice = args.length > 5 ? Long.parseLong(args[5]) : 100;
        Subject a = subject(Path.of(args[0]), args[2], args[3]);
        Subject b = subject(Path.of(args[1]), args[2], args[3]);
        for (int i = 0; i < 30; i++) {
            a.nanosPerCall(slice);
            b.nanosPerCall(slice);
        }
        double[] timesA = new double[pairs];
        double[] timesB = new double[pairs];
        double[] ratios = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            boolean aFirst = p % 2 == 0;
            double first = (aFirst ? a : b).nanosPerCall(slice);
            double second = (aFirst ? b : a).nanosPerCall(slice);
            timesA[p] = aFirst ? first : second;
            timesB[p] = aFirst ? second : first;
            ratios[p] = timesB[p] / timesA[p];
        }
        Arrays.sort(timesA);
        Arrays.sort(timesB);
        Arrays.sort(ratios);
        System.out.printf(Locale.ROOT, "%s.%s, %d pairs of %d ms slices: A %.1f ns/call, B %.1f ns/call (medians); "
                        + "B/A median %.3f, quartiles %.3f-%.3f%n", args[2], args[3], pairs, slice, timesA[pairs / 2],
                timesB[pairs / 2], ratios[pairs / 2], ratios[pairs / 4], ratios[3 * pairs / 4]);
    }

    private static Subject subject(Path jar, String className, String methodName) throws Exception {
        ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> type = Class.forName(className, true, loader);
        Object instance = type.getConstructor().newInstance();
        for (Field field : type.getDeclaredFields()) {
            String[] values = annotationValue(field.getAnnotations(), "Param");
            if (values != null && values.length > 0) {
                field.setAccessible(true);
                field.set(instance, convert(values[0], field.getType()));
            }
        }
        for (Method setup : type.getMethods()) {
            if (hasAnnotation(setup.getAnnotations(), "Setup") && setup.getParameterCount() == 0) {
                setup.invoke(instance);
            }
        }
        Method method = null;
        for (Method m : type.getMethods()) {
            if (m.getName().equals(methodName) && hasAnnotation(m.getAnnotations(), "Benchmark")) {
                method = m;
            }
        }
        if (method == null) {
            throw new IllegalArgumentException(className + " has no benchmark method " + methodName + " in " + jar);
        }
        List<Object> methodArgs = new ArrayList<>();
        for (Parameter parameter : method.getParameters()) {
            Class<?> p = parameter.getType();
            methodArgs.add(p.getName().equals("org.openjdk.jmh.infra.Blackhole")
                    ? p.getConstructor(String.class).newInstance(BLACKHOLE_PASSWORD)
                    : p.getConstructor().newInstance());
        }
        return new Subject(instance, method, methodArgs.toArray());
    }

    private static boolean hasAnnotation(Annotation[] annotations, String simpleName) {
        for (Annotation a : annotations) {
            if (a.annotationType().getSimpleName().equals(simpleName)) {
                return true;
            }
        }
        return false;
    }

    /** The {@code value()} of the annotation of that simple name (it lives in the build's own loader), or null. */
    private static String[] annotationValue(Annotation[] annotations, String simpleName) throws ReflectiveOperationException {
        for (Annotation a : annotations) {
            if (a.annotationType().getSimpleName().equals(simpleName)) {
                return (String[]) a.annotationType().getMethod("value").invoke(a);
            }
        }
        return null;
    }

    private static Object convert(String value, Class<?> type) {
        if (type == int.class) {
            return Integer.parseInt(value);
        }
        if (type == long.class) {
            return Long.parseLong(value);
        }
        if (type == boolean.class) {
            return Boolean.parseBoolean(value);
        }
        if (type == double.class) {
            return Double.parseDouble(value);
        }
        return value;
    }
}
