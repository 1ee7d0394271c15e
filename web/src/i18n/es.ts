/** Mensajes en español. */
import { adminEs } from "../admin/messages";
import { libraryEs } from "../library/messages";
import type { Messages } from "./en";
import { playerEs } from "../player/messages";

export const es: Messages = {
  "app.name": "Echo",
  "app.loading": "Cargando…",
  "app.skipToContent": "Saltar al contenido",
  "app.error.network": "No se puede contactar con el servidor. Comprueba la conexión y vuelve a intentarlo.",
  "app.error.page": "Algo ha fallado en esta página.",
  "app.reload": "Recargar",
  "app.retry": "Reintentar",

  "nav.main": "Principal",
  "nav.home": "Inicio",
  "nav.openMenu": "Abrir menú",
  "nav.closeMenu": "Cerrar menú",

  "topbar.theme": "Tema: {theme}",
  "topbar.logout": "Cerrar sesión",
  "topbar.account": "Sesión iniciada como {name}",

  "theme.dark": "Oscuro",
  "theme.light": "Claro",
  "theme.auto": "Automático",

  "language.label": "Idioma",

  "player.label": "Reproductor",
  "player.empty": "No se está reproduciendo nada",

  "form.username": "Nombre de usuario",
  "form.password": "Contraseña",
  "form.confirmPassword": "Confirmar contraseña",
  "form.passwordMismatch": "Las contraseñas no coinciden",
  "form.passwordPolicy": "De 8 a 128 caracteres con una mayúscula, una minúscula, un dígito y un símbolo.",
  "form.usernamePolicy": "De 3 a 50 letras, dígitos o guiones bajos.",

  "login.title": "Inicia sesión en Echo",
  "login.submit": "Iniciar sesión",
  "login.submitting": "Iniciando sesión…",

  "firstLogin.title": "Elige una contraseña nueva",
  "firstLogin.intro": "Tu cuenta tiene una contraseña temporal. Elige la tuya para continuar.",
  "firstLogin.current": "Contraseña actual (temporal)",
  "firstLogin.new": "Contraseña nueva",
  "firstLogin.submit": "Cambiar contraseña",

  "setup.title": "Bienvenido a Echo",
  "setup.steps": "Pasos de la configuración",
  "setup.step": "Paso {current} de {total}",
  "setup.admin.title": "Cuenta de administrador",
  "setup.admin.intro": "Crea la cuenta que gestiona este servidor.",
  "setup.admin.exists": "La cuenta de administrador {name} ya existe.",
  "setup.library.title": "Biblioteca musical",
  "setup.library.intro": "Elige la carpeta que contiene tu música.",
  "setup.library.current": "Carpeta actual",
  "setup.library.roots": "Carpetas permitidas",
  "setup.library.up": "Carpeta superior",
  "setup.library.hasMusic": "contiene música",
  "setup.library.unreadable": "no se puede leer",
  "setup.library.empty": "No hay subcarpetas.",
  "setup.library.newFolder": "Nombre de la carpeta nueva",
  "setup.library.create": "Crear carpeta",
  "setup.library.use": "Usar esta carpeta",
  "setup.library.chosen": "Carpeta de la biblioteca: {path}",
  "setup.keys.title": "Servicios de metadatos",
  "setup.keys.intro": "Opcional: las claves de API permiten a Echo obtener imágenes y biografías de artistas. Puedes añadirlas más tarde.",
  "setup.keys.lastfm": "Clave de API de Last.fm",
  "setup.keys.fanart": "Clave de API de Fanart.tv",
  "setup.keys.skip": "Omitir",
  "setup.finish.title": "Listo",
  "setup.finish.intro": "Echo está listo. Termina la configuración para empezar a escuchar; puedes escanear la biblioteca desde el inicio.",
  "setup.finish.submit": "Terminar la configuración",
  "setup.back": "Atrás",
  "setup.next": "Siguiente",

  "home.title": "Inicio",
  "home.greeting": "Hola, {name}",
  "home.recentAlbums": "Añadidos recientemente",
  "home.empty": "Tu biblioteca todavía no tiene álbumes.",
  "home.emptyAdmin": "Escanea la carpeta de música para llenar la biblioteca.",
  "home.scan": "Escanear biblioteca",
  "home.scanning": "Escaneando la biblioteca…",

  "album.by": "de {artist}",
  "album.tracks.one": "{count} canción",
  "album.tracks.other": "{count} canciones",
  "album.noCover": "Sin portada",

  "notFound.title": "Página no encontrada",
  "notFound.back": "Volver al inicio",
  ...libraryEs,
  ...playerEs,
  ...adminEs,
};
