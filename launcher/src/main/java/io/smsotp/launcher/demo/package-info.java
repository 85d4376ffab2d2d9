/**
 * "Pickup Dispatch", the demo application the launcher starts next to smsotp: an ordinary OpenID
 * Connect relying party (nimbus oauth2-oidc-sdk, code flow with PKCE) that shows who signed in and
 * with which factors ({@code sub}, {@code amr}, {@code auth_time}). It reaches the issuer over HTTP
 * only, as any application would; see {@link io.smsotp.launcher.demo.PickupDispatchApp}.
 */
package io.smsotp.launcher.demo;
