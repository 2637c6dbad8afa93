// Starts the wasm application; the Rust side removes #boot once it has mounted.
import init from '/sesame_frontend.js';

try {
  await init({ module_or_path: '/sesame_frontend_bg.wasm' });
} catch (error) {
  console.error(error);
  const boot = document.getElementById('boot');
  if (boot) {
    boot.classList.add('boot--failed');
    boot.setAttribute('role', 'alert');
    boot.textContent =
      'Le chargement de Sésame a échoué. Vérifiez votre connexion, puis rechargez la page.';
  }
}
