/** Sigfox's Sens'it multi-sensor (v3 frames, and v2 frames from older firmware). */
package org.valley.codec.sensit;
