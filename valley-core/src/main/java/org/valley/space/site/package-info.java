/**
 * The building model: a site of buildings, floors and spaces (some made of places), read from
 * and written to the JSON site document of the API, with every rule checked and every error
 * naming its field by path ({@code buildings[0].floors[1].spaces[3].kind}).
 */
package org.valley.space.site;
