package dev.hyperlab.shell.command;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a command whose options end at its first positional parameter: everything after it is that parameter's, options
 * included. {@code run FILE.js --hosts 3} gives {@code --hosts 3} to the script, not to {@code run}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StopAtPositional {}
